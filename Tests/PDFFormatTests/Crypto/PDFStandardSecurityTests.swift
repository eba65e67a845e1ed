@testable import PDFFormat
import Testing

/// The `/Encrypt` dictionaries of three documents qpdf 11.3 encrypted (user password
/// "user", owner password "owner"), with the file keys `qpdf --show-encryption-key` printed:
/// an independent implementation's answers for algorithms 2, 4–7 and 2.A/2.B.
@Suite struct PDFStandardSecurityTests {
    static let id = hexBytes("b29899ff5f8a88960211cec3c386a60d")

    static func dictionary(_ v: Int, _ r: Int, length: Int, o: String, u: String, extra: [String: PDFObject] = [:]) -> PDFDictionary {
        var entries: [String: PDFObject] = [
            "Filter": .name("Standard"), "V": .int(v), "R": .int(r), "Length": .int(length), "P": .int(-4),
            "O": .string(hexBytes(o)), "U": .string(hexBytes(u)),
        ]
        entries.merge(extra) { _, new in new }
        return PDFDictionary(entries)
    }

    static let revision2 = dictionary(
        1, 2, length: 40, o: "94e8094419662a774442fb072e3d9f19e9d130ec09a4d0061e78fe920f7ab62f",
        u: "8081bc45e180fed7e4140bfb4d83c84ab453837173ab5a60204e4ac675a79925")
    static let revision3 = dictionary(
        2, 3, length: 128, o: "0ba3835f88f90388e74e54584125ce142be0de24c6b0d37746e075b891756671",
        u: "775341ec1d0cdf3a96ce7e7214711b1d0122456a91bae5134273a6db134c87c4")
    static let revision6 = dictionary(
        5, 6, length: 256,
        o: "2ad3634b66a34211f80e353d2f5d02111723ce4f821b614071ebbe1c15d13290f070f0f860f1aa077c65685a13db490f",
        u: "75be160e9f324afa0163ad39735e246801ddd2fc8758cbc7afe9130a0414e888d651ad7e95f0dd3c560f141170f9f52d",
        extra: [
            "OE": .string(hexBytes("1216f9ef6f759661e4ae63838980549c786ee2a0d544ece996d321b8ed0e3f23")),
            "UE": .string(hexBytes("a88940a0ac82686a969c47e02e06adda35d52bb827019bf98d40f836f8b82ea0")),
            "CF": .dictionary(PDFDictionary(["StdCF": .dictionary(PDFDictionary(["CFM": .name("AESV3"), "Length": .int(32)]))])),
            "StmF": .name("StdCF"), "StrF": .name("StdCF"),
        ])

    static func security(_ dictionary: PDFDictionary) throws -> PDFStandardSecurity {
        try PDFStandardSecurity(dictionary, documentID: id, handler: "Standard", resolve: { $0 ?? .null })
    }

    @Test(arguments: [(revision2, "8a4381f6a3"), (revision3, "99420141fe7f5e6d59745e20752a6b4f"),
                      (revision6, "af0d995da3a289397e7f0f191ca8851cffca83395d72734cc852f9b20ad6a9e0")])
    func userAndOwnerPasswordsGiveQpdfsKey(dictionary: PDFDictionary, key: String) throws {
        let security = try Self.security(dictionary)
        let asUser = try #require(security.authenticate("user"))
        #expect(hexString(asUser.key) == key && asUser.use == .userPassword)
        let asOwner = try #require(security.authenticate("owner"))
        #expect(hexString(asOwner.key) == key && asOwner.use == .ownerPassword)
        #expect(security.authenticate("") == nil)
        #expect(security.authenticate("User") == nil)
    }

    @Test func algorithmNames() throws {
        #expect(try Self.security(Self.revision2).algorithm == "RC4 40-bit")
        #expect(try Self.security(Self.revision3).algorithm == "RC4 128-bit")
        #expect(try Self.security(Self.revision6).algorithm == "AES-256")
    }

    /// Handlers pyforge does not implement are refused with the `.encrypted` sentence.
    @Test(arguments: [["Filter": PDFObject.name("Adobe.PubSec")], ["V": .int(3)], ["V": .int(7)], ["R": .int(7)], ["R": .int(5)]])
    func unsupportedHandlersAreRefused(change: [String: PDFObject]) {
        var dictionary = Self.revision3
        dictionary.entries.merge(change) { _, new in new }
        #expect(throws: PDFError.encrypted(filter: "Standard")) { try Self.security(dictionary) }
    }

    /// Hostile values: key lengths out of range or not in whole bytes, short or missing
    /// /O and /U, an unknown crypt filter; each is an error, never a trap.
    @Test(arguments: [["Length": PDFObject.int(4096)], ["Length": .int(0)], ["Length": .int(44)], ["Length": .int(-8)],
                      ["Length": .int(Int.max)], ["O": .string([1, 2])], ["U": .null], ["StmF": .name("Missing"), "V": .int(4), "R": .int(4)]])
    func hostileDictionariesAreMalformed(change: [String: PDFObject]) {
        var dictionary = Self.revision3
        dictionary.entries.merge(change) { _, new in new }
        #expect {
            try Self.security(dictionary)
        } throws: { error in
            guard case .malformed = error as? PDFError else { return false }
            return true
        }
    }

    @Test func shortRevision6EntriesAreMalformed() {
        var dictionary = Self.revision6
        dictionary["UE"] = .string([1, 2, 3])
        #expect(throws: PDFError.self) { try Self.security(dictionary) }
    }
}
