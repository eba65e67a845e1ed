import Columnar

/// Encodes wide decimals (precision 19–38) PLAIN as FIXED_LEN_BYTE_ARRAY: the unscaled
/// value in big-endian two's complement, in the fewest bytes the precision needs.
final class DecimalValueEncoder: ValueEncoder {
    private var buffer: [Int128] = []
    private let width: Int
    private var chunkMin: Int128?
    private var chunkMax: Int128?

    init(byteWidth: Int) {
        width = byteWidth
    }

    var bufferedBytes: Int { buffer.count * width }
    var bufferedCount: Int { buffer.count }

    func append(_ values: ColumnValues, validity: UnsafeBufferPointer<UInt8>?, rows: Range<Int>) throws(ParquetError) {
        guard case .int128s(let array) = values else {
            throw .schemaMismatch("a column holds \(values.storage) values where 128-bit decimals were expected")
        }
        for row in rows where validity == nil || validity![row] != 0 { buffer.append(array[row]) }
    }

    private func bigEndian(_ value: Int128) -> [UInt8] {
        let bits = UInt128(bitPattern: value)
        return (0..<width).map { i in UInt8(truncatingIfNeeded: bits >> UInt128(8 * (width - 1 - i))) }
    }

    func encodePage(into body: inout [UInt8]) -> EncodedPage {
        defer { buffer.removeAll(keepingCapacity: true) }
        var lo: Int128?, hi: Int128?
        for value in buffer {
            body.append(contentsOf: bigEndian(value))
            if lo == nil || value < lo! { lo = value }
            if hi == nil || value > hi! { hi = value }
        }
        if let lo, chunkMin == nil || lo < chunkMin! { chunkMin = lo }
        if let hi, chunkMax == nil || hi > chunkMax! { chunkMax = hi }
        return EncodedPage(encoding: .plain, valueCount: buffer.count, statistics: statistics(lo, hi))
    }

    private func statistics(_ lo: Int128?, _ hi: Int128?) -> ValueStatistics {
        ValueStatistics(min: lo.map(bigEndian), max: hi.map(bigEndian), nanCount: nil, signedOrder: false)
    }

    func dictionaryPage() -> (count: Int, body: [UInt8])? { nil }
    func chunkStatistics() -> ValueStatistics { statistics(chunkMin, chunkMax) }

    func resetChunk() {
        buffer.removeAll(keepingCapacity: true)
        chunkMin = nil
        chunkMax = nil
    }
}
