@testable import PDFFormat
import Testing

@Suite struct RC4Tests {
    /// RFC 6229 §2: the keystream (RC4 of zeros) for the 40-bit key 0x0102030405, offsets 0 and 16.
    @Test func rfc6229FortyBitKey() {
        let stream = RC4.apply(key: hexBytes("0102030405"), to: [UInt8](repeating: 0, count: 32))
        #expect(hexString(stream) == "b2396305f03dc027ccc3524a0a1118a8" + "6982944f18fc82d589c403a47a0d0919")
    }

    /// RFC 6229 §2: the 128-bit key 0x0102…10, offset 0.
    @Test func rfc6229OneHundredTwentyEightBitKey() {
        let stream = RC4.apply(key: hexBytes("0102030405060708090a0b0c0d0e0f10"), to: [UInt8](repeating: 0, count: 16))
        #expect(hexString(stream) == "9ac7cc9a609d1ef7b2932899cde41b97")
    }

    @Test func decryptingUndoesEncrypting() {
        let text = Array("BT (Hello) Tj ET".utf8)
        let key = hexBytes("8a4381f6a3")
        #expect(RC4.apply(key: key, to: RC4.apply(key: key, to: text)) == text)
    }

    @Test func anEmptyKeyDoesNotTrap() {
        #expect(RC4.apply(key: [], to: [1, 2, 3]).count == 3)
    }
}
