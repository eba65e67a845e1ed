@testable import PDFFormat
import Testing

@Suite struct PDFDecryptorTests {
    static func decryptor(_ dictionary: PDFDictionary, key: [UInt8]) throws -> PDFDecryptor {
        PDFDecryptor(key: key, security: try PDFStandardSecurityTests.security(dictionary))
    }

    /// Algorithm 1 by hand: MD5(key, 12 0 0, 0 0), cut to 5 + 5 bytes, then RC4.
    @Test func rc4StringsUseAPerObjectKey() throws {
        let key = hexBytes("8a4381f6a3")
        let decryptor = try Self.decryptor(PDFStandardSecurityTests.revision2, key: key)
        let objectKey = Array(MD5.digest(key + [12, 0, 0, 0, 0]).prefix(10))
        #expect(decryptor.objectKey(PDFReference(12, 0), aes: false) == objectKey)
        let secret = RC4.apply(key: objectKey, to: Array("Title".utf8))
        #expect(decryptor.decrypt(.array([.string(secret), .int(3)]), PDFReference(12, 0)) == .array([.string(Array("Title".utf8)), .int(3)]))
    }

    @Test func aesStreamsCarryTheirIVAndPadding() throws {
        let key = [UInt8](repeating: 9, count: 32)
        let cipher = try #require(AES(key: key))
        let iv = [UInt8](1...16)
        let text = Array("BT (Hi) Tj ET".utf8)
        let padded = text + [UInt8](repeating: 3, count: 3)
        let stored = iv + cipher.encryptCBC(padded, iv: iv)
        #expect(PDFDecryptor.decryptAES(stored[...], key: key) == text)
        // Padding that does not check out is kept rather than trusted; damage never traps.
        let badPadding = iv + cipher.encryptCBC(text + [0, 0, 7], iv: iv)
        #expect(PDFDecryptor.decryptAES(badPadding[...], key: key).count == 16)
        #expect(PDFDecryptor.decryptAES(stored.prefix(20), key: key).isEmpty)
        #expect(PDFDecryptor.decryptAES(stored.dropLast(3), key: key).isEmpty)
        #expect(PDFDecryptor.decryptAES([][...], key: key).isEmpty)
        #expect(PDFDecryptor.decryptAES(stored[...], key: [1, 2, 3]).isEmpty)
    }

    @Test func crossReferenceStreamsAndIdentityFiltersStayClear() throws {
        let decryptor = try Self.decryptor(PDFStandardSecurityTests.revision6, key: [UInt8](repeating: 9, count: 32))
        let xref = PDFObject.stream(PDFStream(dictionary: PDFDictionary(["Type": .name("XRef")]), data: [1, 2, 3]))
        #expect(decryptor.decrypt(xref, PDFReference(5, 0)) == xref)
        let identity = PDFObject.stream(PDFStream(
            dictionary: PDFDictionary(["Filter": .array([.name("Crypt")]), "DecodeParms": .array([.dictionary(PDFDictionary(["Name": .name("Identity")]))])]),
            data: [1, 2, 3]))
        #expect(decryptor.decrypt(identity, PDFReference(6, 0)) == identity)
    }
}
