import Testing
import Platform

/// FIPS 180-4 examples (NIST "Examples with Intermediate Values"): "abc" and the
/// two-block 896-bit message.
private func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

@Suite struct SHA512Tests {
    static let twoBlocks = Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)

    @Test func sha512() {
        #expect(hexString(SHA512.digest(Array("abc".utf8))) == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(hexString(SHA512.digest(Self.twoBlocks)) == "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
            + "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")
    }

    @Test func sha384() {
        #expect(hexString(SHA512.digest384(Array("abc".utf8))) == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
            + "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(hexString(SHA512.digest384(Self.twoBlocks)) == "09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"
            + "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")
    }

    /// The SHA-256 byte digest agrees with the hex one (FIPS 180-4 "abc").
    @Test func sha256Bytes() {
        #expect(hexString(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var hasher = SHA256()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
