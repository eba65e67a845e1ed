/// AES-128 and AES-256 (FIPS 197), with CBC chaining: the cipher of /AESV2 and /AESV3
/// crypt filters, and of the key derivation of security handler revision 6 (algorithm 2.B
/// encrypts with AES-128-CBC). Byte-wise rounds over small lookup tables: not constant-time,
/// which reading a file the user already holds does not need.
struct AES {
    private let roundKeys: [UInt8]
    private let rounds: Int

    /// nil unless `key` is 16 or 32 bytes.
    init?(key: [UInt8]) {
        guard key.count == 16 || key.count == 32 else { return nil }
        rounds = key.count == 16 ? 10 : 14
        roundKeys = Self.expand(key, rounds: rounds)
    }

    // MARK: Blocks

    func encryptBlock(_ block: inout [UInt8]) {
        addRoundKey(&block, 0)
        for round in 1...rounds {
            for i in 0..<16 { block[i] = Self.sbox[Int(block[i])] }
            Self.shiftRows(&block, inverse: false)
            if round != rounds { Self.mixColumns(&block) }
            addRoundKey(&block, round)
        }
    }

    func decryptBlock(_ block: inout [UInt8]) {
        addRoundKey(&block, rounds)
        for round in stride(from: rounds - 1, through: 0, by: -1) {
            Self.shiftRows(&block, inverse: true)
            for i in 0..<16 { block[i] = Self.inverseSbox[Int(block[i])] }
            addRoundKey(&block, round)
            if round != 0 { Self.inverseMixColumns(&block) }
        }
    }

    // MARK: CBC

    /// CBC encryption of whole blocks (no padding: algorithm 2.B's input is a multiple of
    /// 16 bytes). A trailing partial block is left out.
    func encryptCBC(_ data: [UInt8], iv: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count)
        var chain = Array(iv.prefix(16)) + [UInt8](repeating: 0, count: max(0, 16 - iv.count))
        var offset = 0
        while offset + 16 <= data.count {
            for i in 0..<16 { chain[i] ^= data[offset + i] }
            encryptBlock(&chain)
            out.append(contentsOf: chain)
            offset += 16
        }
        return out
    }

    /// CBC decryption of the whole blocks of `data` (a trailing partial block, which only a
    /// damaged file has, is left out).
    func decryptCBC(_ data: ArraySlice<UInt8>, iv: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count)
        var chain = Array(iv.prefix(16)) + [UInt8](repeating: 0, count: max(0, 16 - iv.count))
        var block = [UInt8](repeating: 0, count: 16)
        var offset = data.startIndex
        while offset + 16 <= data.endIndex {
            for i in 0..<16 { block[i] = data[offset + i] }
            decryptBlock(&block)
            // The next block's chain is this ciphertext block, copied in place (no allocation).
            for i in 0..<16 {
                out.append(block[i] ^ chain[i])
                chain[i] = data[offset + i]
            }
            offset += 16
        }
        return out
    }

    // MARK: Steps

    private func addRoundKey(_ block: inout [UInt8], _ round: Int) {
        let base = 16 * round
        for i in 0..<16 { block[i] ^= roundKeys[base + i] }
    }

    /// The state is column-major: byte `row + 4 × column`; row r turns left by r (right by r
    /// when inverse). In place, without a copy of the state: a copy per call is a heap
    /// allocation per round of every block, which made revision 6's key derivation (about
    /// 300,000 blocks at worst) take seconds in a debug build and over 10 s under ASan.
    private static func shiftRows(_ b: inout [UInt8], inverse: Bool) {
        if inverse {
            (b[1], b[5], b[9], b[13]) = (b[13], b[1], b[5], b[9])
            (b[3], b[7], b[11], b[15]) = (b[7], b[11], b[15], b[3])
        } else {
            (b[1], b[5], b[9], b[13]) = (b[5], b[9], b[13], b[1])
            (b[3], b[7], b[11], b[15]) = (b[15], b[3], b[7], b[11])
        }
        (b[2], b[10]) = (b[10], b[2])
        (b[6], b[14]) = (b[14], b[6])
    }

    private static func mixColumns(_ block: inout [UInt8]) {
        for c in stride(from: 0, to: 16, by: 4) {
            let (a0, a1, a2, a3) = (block[c], block[c + 1], block[c + 2], block[c + 3])
            block[c] = x2[Int(a0)] ^ x3[Int(a1)] ^ a2 ^ a3
            block[c + 1] = a0 ^ x2[Int(a1)] ^ x3[Int(a2)] ^ a3
            block[c + 2] = a0 ^ a1 ^ x2[Int(a2)] ^ x3[Int(a3)]
            block[c + 3] = x3[Int(a0)] ^ a1 ^ a2 ^ x2[Int(a3)]
        }
    }

    private static func inverseMixColumns(_ block: inout [UInt8]) {
        for c in stride(from: 0, to: 16, by: 4) {
            let (a0, a1, a2, a3) = (block[c], block[c + 1], block[c + 2], block[c + 3])
            block[c] = x14[Int(a0)] ^ x11[Int(a1)] ^ x13[Int(a2)] ^ x9[Int(a3)]
            block[c + 1] = x9[Int(a0)] ^ x14[Int(a1)] ^ x11[Int(a2)] ^ x13[Int(a3)]
            block[c + 2] = x13[Int(a0)] ^ x9[Int(a1)] ^ x14[Int(a2)] ^ x11[Int(a3)]
            block[c + 3] = x11[Int(a0)] ^ x13[Int(a1)] ^ x9[Int(a2)] ^ x14[Int(a3)]
        }
    }

    // Products by MixColumns' constants, tabulated once: the byte loop of `times` per state
    // byte would dominate stream decryption otherwise.
    private static let x2 = productTable(2), x3 = productTable(3)
    private static let x9 = productTable(9), x11 = productTable(11), x13 = productTable(13), x14 = productTable(14)

    private static func productTable(_ factor: UInt8) -> [UInt8] { (0..<256).map { times(UInt8($0), factor) } }

    /// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
    private static func times(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var (a, b, product) = (a, b, UInt8(0))
        while b != 0 {
            if b & 1 != 0 { product ^= a }
            a = (a << 1) ^ (a & 0x80 != 0 ? 0x1b : 0)
            b >>= 1
        }
        return product
    }

    // MARK: Key schedule and S-box

    private static func expand(_ key: [UInt8], rounds: Int) -> [UInt8] {
        let words = key.count / 4
        var expanded = key
        var roundConstant: UInt8 = 1
        var i = words
        while expanded.count < 16 * (rounds + 1) {
            var word = Array(expanded[(expanded.count - 4)...])
            if i % words == 0 {
                word = [sbox[Int(word[1])] ^ roundConstant, sbox[Int(word[2])], sbox[Int(word[3])], sbox[Int(word[0])]]
                roundConstant = times(roundConstant, 2)
            } else if words > 6 && i % words == 4 {
                word = word.map { sbox[Int($0)] }
            }
            let back = expanded.count - 4 * words
            for k in 0..<4 { expanded.append(expanded[back + k] ^ word[k]) }
            i += 1
        }
        return expanded
    }

    /// The S-box computed as FIPS 197 §5.1.1 defines it (inverse in GF(2^8), then the
    /// affine map), rather than 256 pasted constants; the known-answer tests check it.
    static let sbox: [UInt8] = (0..<256).map { value in
        var inverse: UInt8 = 0
        if value != 0 {
            for candidate in 1...255 where times(UInt8(value), UInt8(candidate)) == 1 { inverse = UInt8(candidate); break }
        }
        var result: UInt8 = 0x63
        for shift in 0..<5 { result ^= inverse.rotatedLeftByte(shift) }
        return result
    }

    static let inverseSbox: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for (i, value) in sbox.enumerated() { table[Int(value)] = UInt8(i) }
        return table
    }()
}

extension UInt8 {
    fileprivate func rotatedLeftByte(_ n: Int) -> UInt8 { n == 0 ? self : (self << UInt8(n)) | (self >> UInt8(8 - n)) }
}
