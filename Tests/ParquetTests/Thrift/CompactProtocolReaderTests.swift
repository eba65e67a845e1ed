import Parquet
import Testing

/// Hostile footers (found by scripts/fuzz, target parquet-footer): every length and count is a
/// varint up to 2^64 - 1, and nesting costs one byte per level; all must be refused, not trap.
@Suite struct CompactProtocolReaderTests {
    /// Field 1 of FileMetaData (delta 1) with the given compact type, then `rest`.
    static func footer(type: UInt8, _ rest: [UInt8]) -> [UInt8] { [0x10 | type] + rest }
    static let varintAboveIntMax: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]

    func refuses(_ bytes: [UInt8], saying words: String) {
        #expect {
            _ = try ParquetFooterReader.decodeMetadata(bytes)
        } throws: { error in
            "\(error)".contains(words)
        }
    }

    @Test func aStringLengthAboveIntMaxIsRefused() {
        refuses(Self.footer(type: 8, Self.varintAboveIntMax), saying: "string runs past the end")
    }

    @Test func aListCountAboveIntMaxIsRefused() {
        refuses(Self.footer(type: 9, [0xF5] + Self.varintAboveIntMax), saying: "more elements than bytes remain")
    }

    @Test func aMapCountAboveTheBytesLeftIsRefused() {
        refuses(Self.footer(type: 11, Self.varintAboveIntMax + [0x55]), saying: "more entries than bytes remain")
    }

    @Test func listsNestedThousandsDeepAreRefusedWithoutExhaustingTheStack() {
        // A list of one list of one list…: 0x19 is "1 element of type list".
        refuses(Self.footer(type: 9, [UInt8](repeating: 0x19, count: 100_000)), saying: "nesting is too deep")
    }
}
