import Columnar

/// Hashes one column chunk's non-null values (xxHash64 of their PLAIN encoding, as the
/// spec asks) and builds the chunk's bloom filter when it ends.
///
/// Memory: the distinct hashes are kept in a set so the filter can be sized to them; past
/// `maxDistinct` (which already needs a `maxBytes` filter) the hashes go straight into a
/// filter of that size instead, so the set's table never passes 2^20 slots (8 MiB).
final class BloomFilterCollector {
    private let byteWidth: Int
    private var distinct = HashSet64()
    private var full: SplitBlockBloomFilter?
    static let maxDistinct = (1 << 20) * 3 / 4 - 1

    /// `decimalByteWidth` is the FIXED_LEN_BYTE_ARRAY width of 128-bit decimals.
    init(decimalByteWidth: Int) {
        byteWidth = decimalByteWidth
    }

    func add(_ values: ColumnValues, validity: UnsafeBufferPointer<UInt8>?, rows: Range<Int>) {
        switch values {
        case .booleans:
            return  // the spec defines no bloom filter for BOOLEAN
        case .int32s(let array):
            array.withUnsafeBufferPointer { v in
                for row in rows where validity?[row] ?? 1 != 0 {
                    record(XXHash64.hash(fourBytes: UInt32(bitPattern: v[row])))
                }
            }
        case .int64s(let array):
            array.withUnsafeBufferPointer { v in
                for row in rows where validity?[row] ?? 1 != 0 {
                    record(XXHash64.hash(eightBytes: UInt64(bitPattern: v[row])))
                }
            }
        case .doubles(let array):
            array.withUnsafeBufferPointer { v in
                for row in rows where validity?[row] ?? 1 != 0 { record(XXHash64.hash(eightBytes: v[row].bitPattern)) }
            }
        case .int128s(let array):
            var bigEndian = [UInt8](repeating: 0, count: byteWidth)
            for row in rows where validity?[row] ?? 1 != 0 {
                let bits = UInt128(bitPattern: array[row])
                for i in 0..<byteWidth { bigEndian[i] = UInt8(truncatingIfNeeded: bits >> UInt128(8 * (byteWidth - 1 - i))) }
                record(XXHash64.hash(bigEndian))
            }
        case .bytes(let arrays):
            arrays.offsets.withUnsafeBufferPointer { offsets in
                arrays.data.withUnsafeBytes { data in
                    for row in rows where validity?[row] ?? 1 != 0 {
                        let start = Int(offsets[row]), end = Int(offsets[row + 1])
                        record(XXHash64.hash(UnsafeRawBufferPointer(rebasing: data[start..<end])))
                    }
                }
            }
        }
    }

    @inline(__always)
    private func record(_ hash: UInt64) {
        if full != nil {
            full!.insert(hash)
            return
        }
        distinct.insert(hash)
        if distinct.count > Self.maxDistinct {
            var filter = SplitBlockBloomFilter(byteCount: SplitBlockBloomFilter.maxBytes)
            distinct.forEach { filter.insert($0) }
            full = filter
            distinct = HashSet64()
        }
    }

    /// The chunk's filter (nil when it had no hashable values), then a reset for the next chunk.
    func finishChunk() -> SplitBlockBloomFilter? {
        defer {
            distinct = HashSet64()
            full = nil
        }
        if let full { return full }
        guard distinct.count > 0 else { return nil }
        var filter = SplitBlockBloomFilter(distinctValues: distinct.count)
        distinct.forEach { filter.insert($0) }
        return filter
    }
}
