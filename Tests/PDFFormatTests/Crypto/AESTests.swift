@testable import PDFFormat
import Testing

@Suite struct AESTests {
    /// FIPS 197 Appendix C.1 (AES-128) and C.3 (AES-256): one block each way.
    @Test(arguments: [
        ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"),
    ])
    func fips197AppendixC(key: String, cipherText: String) throws {
        let cipher = try #require(AES(key: hexBytes(key)))
        var block = hexBytes("00112233445566778899aabbccddeeff")
        cipher.encryptBlock(&block)
        #expect(hexString(block) == cipherText)
        cipher.decryptBlock(&block)
        #expect(hexString(block) == "00112233445566778899aabbccddeeff")
    }

    /// FIPS 197 Appendix B: the worked example.
    @Test func fips197AppendixB() throws {
        let cipher = try #require(AES(key: hexBytes("2b7e151628aed2a6abf7158809cf4f3c")))
        var block = hexBytes("3243f6a8885a308d313198a2e0370734")
        cipher.encryptBlock(&block)
        #expect(hexString(block) == "3925841d02dc09fbdc118597196a0b32")
    }

    /// NIST SP 800-38A F.2.1/F.2.2 (CBC-AES128), the first two blocks.
    @Test func sp80038aCBC() throws {
        let cipher = try #require(AES(key: hexBytes("2b7e151628aed2a6abf7158809cf4f3c")))
        let iv = hexBytes("000102030405060708090a0b0c0d0e0f")
        let plain = hexBytes("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51")
        let encrypted = cipher.encryptCBC(plain, iv: iv)
        #expect(hexString(encrypted) == "7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2")
        #expect(cipher.decryptCBC(encrypted[...], iv: iv) == plain)
    }

    @Test func onlySixteenAndThirtyTwoByteKeys() {
        #expect(AES(key: []) == nil)
        #expect(AES(key: [UInt8](repeating: 1, count: 24)) == nil)
        #expect(AES(key: [UInt8](repeating: 1, count: 512)) == nil)
    }

    @Test func aPartialLastBlockIsLeftOut() throws {
        let cipher = try #require(AES(key: [UInt8](repeating: 7, count: 16)))
        #expect(cipher.decryptCBC([UInt8](repeating: 1, count: 21)[...], iv: []).count == 16)
        #expect(cipher.decryptCBC([UInt8](repeating: 1, count: 5)[...], iv: []).isEmpty)
    }
}
