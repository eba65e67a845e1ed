@testable import AccessFormat
import Testing

/// Stored Decimal and GUID bytes as they appear in fixtures/access/types.mdb and
/// types.accdb (MakeTypes.java), decoded without libmdb.
@Suite struct AccessRawValuesTests {
    private func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    private func numeric(_ text: String, precision: Int = 18) -> Int128? {
        hex(text).withUnsafeBytes { AccessRawValues.numeric($0, precision: precision) }
    }

    private func guid(_ text: String) -> String? {
        hex(text).withUnsafeBytes { AccessRawValues.guid($0) }
    }

    @Test func decimalsAsStoredByAccess() {
        // 12345678901234.5678 at scale 4: words most significant first, each little-endian.
        #expect(numeric("00" + "00000000" + "00000000" + "4b9bb601" + "4ef330a6") == 123_456_789_012_345_678)
        // -0.0001: the sign is a flag in the first byte, the magnitude 1.
        #expect(numeric("80" + "00000000" + "00000000" + "00000000" + "01000000") == -1)
        #expect(numeric("00" + String(repeating: "00", count: 16)) == 0)
        // 10^28 - 1, Access's largest Decimal (precision 28): 0x204FCE5E_3E250261_0FFFFFFF.
        #expect(numeric("00" + "00000000" + "5ece4f20" + "6102253e" + "ffffff0f", precision: 28) == 9_999_999_999_999_999_999_999_999_999)
    }

    @Test func decimalsTooWideForTheirPrecisionAreRefused() {
        // 10^18 does not fit precision 18; nor does a magnitude using the top word.
        #expect(numeric("00" + "00000000" + "00000000" + "b3b6e00d" + "000064a7") == nil)
        #expect(numeric("00" + "ffffffff" + "ffffffff" + "ffffffff" + "ffffffff", precision: 38) == nil)
        #expect(numeric("00" + String(repeating: "00", count: 15)) == nil)  // 16 bytes: not a Decimal
    }

    @Test func guidsInAccessText() {
        #expect(guid("ff19966f868b11d0b42d00c04fc964ff") == "{6F9619FF-8B86-D011-B42D-00C04FC964FF}")
        #expect(guid(String(repeating: "00", count: 16)) == "{00000000-0000-0000-0000-000000000000}")
        #expect(guid("00112233445566778899aabbccddeeff") == "{33221100-5544-7766-8899-AABBCCDDEEFF}")
        #expect(guid("0011") == nil)
    }
}
