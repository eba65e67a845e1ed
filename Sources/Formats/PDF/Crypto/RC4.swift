/// RC4 (the "ARCFOUR" of RFC 6229's test vectors): the cipher of PDF standard security
/// handler revisions 2 and 3, and of /V2 crypt filters. Encrypting and decrypting are the
/// same operation.
struct RC4 {
    private var state: [UInt8]
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    /// A key of 1 to 256 bytes (an empty key is treated as one zero byte: no trap on
    /// a hostile file, and no such key opens a genuine document anyway).
    init(key: [UInt8]) {
        let key = key.isEmpty ? [0] : Array(key.prefix(256))
        state = (0...255).map { UInt8($0) }
        var j: UInt8 = 0
        for i in 0..<256 {
            j = j &+ state[i] &+ key[i % key.count]
            state.swapAt(i, Int(j))
        }
    }

    mutating func apply(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count)
        for byte in data {
            i = i &+ 1
            j = j &+ state[Int(i)]
            state.swapAt(Int(i), Int(j))
            out.append(byte ^ state[Int(state[Int(i)] &+ state[Int(j)])])
        }
        return out
    }

    /// `data` run through a fresh cipher keyed with `key`.
    static func apply(key: [UInt8], to data: some Collection<UInt8>) -> [UInt8] {
        var cipher = RC4(key: key)
        return cipher.apply(data)
    }
}
