/// Parquet's split-block bloom filter (BloomFilter.md in parquet-format): 256-bit blocks of
/// eight 32-bit words; a hash's upper half picks the block, its lower half sets one bit
/// in each word through eight fixed odd salts.
struct SplitBlockBloomFilter {
    private static let salts: [UInt32] = [
        0x47B6_137B, 0x4497_4D91, 0x8824_AD5B, 0xA2B7_289D, 0x7054_95C7, 0x2DF1_424B, 0x9EFC_4947, 0x5C6B_FB31,
    ]
    static let blockBytes = 32
    /// Bits per distinct value for a false-positive rate near 1% (the spec's sizing formula,
    /// -8 / ln(1 - p^(1/8)), gives 9.7 for p = 0.01).
    static let bitsPerDistinctValue = 10
    /// A chunk's filter never exceeds this (parquet-mr's default maximum); more distinct
    /// values than it was sized for only raise the false-positive rate.
    static let maxBytes = 1 << 20

    /// Eight words per block, in file order.
    private(set) var words: [UInt32]
    private let blockCount: UInt64

    /// A filter sized for `distinctValues`: a power of two of bytes between one block and `maxBytes`.
    init(distinctValues: Int) {
        let wantedBits = Swift.max(distinctValues, 1).multipliedReportingOverflow(by: Self.bitsPerDistinctValue)
        let wantedBytes = wantedBits.overflow ? Self.maxBytes : wantedBits.partialValue / 8 + 1
        var bytes = Self.blockBytes
        while bytes < Self.maxBytes && bytes < wantedBytes { bytes *= 2 }
        self.init(byteCount: bytes)
    }

    init(byteCount: Int) {
        words = Array(repeating: 0, count: byteCount / 4)
        blockCount = UInt64(byteCount / Self.blockBytes)
    }

    var byteCount: Int { words.count * 4 }

    @inline(__always)
    private func block(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: ((hash >> 32) &* blockCount) >> 32) * 8
    }

    @inline(__always)
    private static func mask(_ key: UInt32, _ word: Int) -> UInt32 {
        1 << ((key &* salts[word]) >> 27)
    }

    mutating func insert(_ hash: UInt64) {
        let base = block(of: hash)
        let key = UInt32(truncatingIfNeeded: hash)
        for word in 0..<8 { words[base + word] |= Self.mask(key, word) }
    }

    func mightContain(_ hash: UInt64) -> Bool {
        let base = block(of: hash)
        let key = UInt32(truncatingIfNeeded: hash)
        for word in 0..<8 where words[base + word] & Self.mask(key, word) == 0 { return false }
        return true
    }

    /// The BloomFilterHeader (SPLIT_BLOCK, XXHASH, UNCOMPRESSED) followed by the bitset.
    func serialized() -> [UInt8] {
        var w = CompactProtocolWriter()
        w.beginStruct()
        w.field(1, i32: Int32(byteCount))
        w.field(2) { w in w.field(1, struct: { _ in }) }  // algorithm: BLOCK
        w.field(3) { w in w.field(1, struct: { _ in }) }  // hash: XXHASH
        w.field(4) { w in w.field(1, struct: { _ in }) }  // compression: UNCOMPRESSED
        w.endStruct()
        var bytes = w.bytes
        bytes.reserveCapacity(bytes.count + byteCount)
        for word in words { bytes.appendLittleEndian(word) }
        return bytes
    }
}
