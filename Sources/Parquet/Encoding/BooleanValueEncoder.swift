import Columnar

/// Encodes BOOLEAN columns PLAIN: one bit per value, least significant bit first.
final class BooleanValueEncoder: ValueEncoder {
    private var buffer: [UInt8] = []
    private var sawFalse = false
    private var sawTrue = false

    var bufferedBytes: Int { (buffer.count + 7) / 8 }
    var bufferedCount: Int { buffer.count }

    func append(_ values: ColumnValues, validity: UnsafeBufferPointer<UInt8>?, rows: Range<Int>) throws(ParquetError) {
        guard case .booleans(let array) = values else {
            throw .schemaMismatch("a column holds \(values.storage) values where booleans were expected")
        }
        array.withUnsafeBufferPointer { source in
            for row in rows where validity == nil || validity![row] != 0 {
                buffer.append(source[row] == 0 ? 0 : 1)
            }
        }
    }

    func encodePage(into body: inout [UInt8]) -> EncodedPage {
        defer { buffer.removeAll(keepingCapacity: true) }
        var pageFalse = false, pageTrue = false
        for value in buffer {
            if value == 0 { pageFalse = true } else { pageTrue = true }
        }
        sawFalse = sawFalse || pageFalse
        sawTrue = sawTrue || pageTrue
        buffer.withUnsafeBufferPointer { values in
            BitPacker.pack(values, 0..<values.count, paddedTo: values.count, bitWidth: 1, into: &body)
        }
        return EncodedPage(encoding: .plain, valueCount: buffer.count, statistics: Self.statistics(pageFalse, pageTrue))
    }

    private static func statistics(_ hasFalse: Bool, _ hasTrue: Bool) -> ValueStatistics {
        guard hasFalse || hasTrue else { return ValueStatistics(min: nil, max: nil, nanCount: nil, signedOrder: true) }
        return ValueStatistics(min: [hasFalse ? 0 : 1], max: [hasTrue ? 1 : 0], nanCount: nil, signedOrder: true)
    }

    func dictionaryPage() -> (count: Int, body: [UInt8])? { nil }
    func chunkStatistics() -> ValueStatistics { Self.statistics(sawFalse, sawTrue) }

    func resetChunk() {
        buffer.removeAll(keepingCapacity: true)
        sawFalse = false
        sawTrue = false
    }
}
