import Columnar

/// Hashes one column chunk's non-null values (xxHash64 of their PLAIN encoding, as the
/// spec asks) and builds the chunk's bloom filter when it ends.
///
/// Memory: the distinct hashes are kept (8 bytes each) so the filter can be sized to
/// them; past what a `maxBytes` filter is sized for, the hashes go straight into a
/// filter of that size instead, so a chunk never holds more than about 7 MiB here.
final class BloomFilterCollector {
    private let byteWidth: Int
    private var hashes: [UInt64] = []
    /// Hashes are sorted and deduplicated whenever the array reaches this length.
    private var compactAt = 1 << 16
    private var full: SplitBlockBloomFilter?
    private static let maxDistinct = SplitBlockBloomFilter.maxBytes * 8 / SplitBlockBloomFilter.bitsPerDistinctValue

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
        hashes.append(hash)
        if hashes.count >= compactAt { compact() }
    }

    private func compact() {
        hashes.sort()
        var kept = 0
        for i in hashes.indices where kept == 0 || hashes[kept - 1] != hashes[i] {
            hashes[kept] = hashes[i]
            kept += 1
        }
        hashes.removeLast(hashes.count - kept)
        if hashes.count > Self.maxDistinct {
            var filter = SplitBlockBloomFilter(byteCount: SplitBlockBloomFilter.maxBytes)
            for hash in hashes { filter.insert(hash) }
            full = filter
            hashes = []
        } else {
            compactAt = Swift.max(compactAt, hashes.count * 2)
        }
    }

    /// The chunk's filter (nil when it had no hashable values), then a reset for the next chunk.
    func finishChunk() -> SplitBlockBloomFilter? {
        defer {
            hashes = []
            full = nil
            compactAt = 1 << 16
        }
        if let full { return full }
        compact()
        if let full { return full }
        guard !hashes.isEmpty else { return nil }
        var filter = SplitBlockBloomFilter(distinctValues: hashes.count)
        for hash in hashes { filter.insert(hash) }
        return filter
    }
}
