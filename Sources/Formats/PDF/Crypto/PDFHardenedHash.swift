import Platform
/// Algorithm 2.B (ISO 32000-2 §7.6.4.3.4): revision 6's password hash, which runs at
/// least 64 rounds of AES-128-CBC and SHA-256/384/512 to make guessing passwords slow.
enum PDFHardenedHash {
    /// Rounds never exceed this (the loop ends when a round's last byte is small enough,
    /// which a well-formed key reaches after about 64–80 rounds); a bound, not a trap.
    static let maxRounds = 64 + 256 + 32

    static func hash(password: [UInt8], salt: [UInt8], extra: [UInt8]) -> [UInt8] {
        var key = SHA256.digest(password + salt + extra)
        var round = 0
        while round < maxRounds {
            let unit = password + key + extra
            var repeated = [UInt8]()
            repeated.reserveCapacity(unit.count * 64)
            for _ in 0..<64 { repeated += unit }
            guard let cipher = AES(key: Array(key.prefix(16))) else { break }
            let encrypted = cipher.encryptCBC(repeated, iv: Array(key[16..<32]))
            // The first 16 bytes as a big-endian number modulo 3 equal the sum of the
            // bytes modulo 3 (256 ≡ 1 mod 3).
            let selector = encrypted.prefix(16).reduce(0) { $0 + Int($1) } % 3
            switch selector {
            case 0: key = SHA256.digest(encrypted)
            case 1: key = SHA512.digest384(encrypted)
            default: key = SHA512.digest(encrypted)
            }
            round += 1
            if round >= 64, let last = encrypted.last, Int(last) <= round - 32 { break }
        }
        return Array(key.prefix(32))
    }
}
