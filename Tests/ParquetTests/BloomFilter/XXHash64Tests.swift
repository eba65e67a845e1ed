import Testing

@testable import Parquet

/// xxHash64 against the published seed-0 vectors of the reference implementation.
@Suite struct XXHash64Tests {
    @Test(arguments: [
        ("", 0xEF46_DB37_51D8_E999 as UInt64),
        ("a", 0xD24E_C4F1_A98C_6E5B),
        ("abc", 0x44BC_2CF5_AD77_0999),
        // 43 bytes: one 32-byte stripe, then an 8-byte lane and a 3-byte tail.
        ("The quick brown fox jumps over the lazy dog", 0x0B24_2D36_1FDA_71BC),
    ])
    func publishedVectors(input: String, expected: UInt64) {
        #expect(XXHash64.hash(Array(input.utf8)) == expected)
    }

    @Test func fixedWidthShortcutsMatchTheByteHash() {
        for value: Int64 in [0, 1, -1, .min, .max, 1_234_567_890_123] {
            let bytes = withUnsafeBytes(of: value.littleEndian) { Array($0) }
            #expect(XXHash64.hash(eightBytes: UInt64(bitPattern: value)) == XXHash64.hash(bytes))
        }
        for value: Int32 in [0, 1, -1, .min, .max, 19_000] {
            let bytes = withUnsafeBytes(of: value.littleEndian) { Array($0) }
            #expect(XXHash64.hash(fourBytes: UInt32(bitPattern: value)) == XXHash64.hash(bytes))
        }
    }

    @Test func everyTailLengthHashesDifferently() {
        // Lengths 0...70 cover no stripe, one and two stripes, and every lane/tail mix.
        let data = (0..<70).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let hashes = Set((0...70).map { XXHash64.hash(Array(data.prefix($0))) })
        #expect(hashes.count == 71)
    }
}
