import Platform
/// The standard security handler's `/Encrypt` dictionary (ISO 32000-1 §7.6.3, ISO 32000-2
/// §7.6.4 for revision 6): which password opens the document and what its file key is.
struct PDFStandardSecurity {
    let version: Int
    let revision: Int
    /// The file key's length in bytes (5 to 16 for revisions 2–4, 32 for 5 and 6).
    let keyLength: Int
    let owner: [UInt8], user: [UInt8]
    /// `/OE` and `/UE` (revisions 5 and 6): the file key, encrypted.
    let ownerKey: [UInt8], userKey: [UInt8]
    let permissions: UInt32
    let documentID: [UInt8]
    let encryptMetadata: Bool
    let streamMethod: PDFCryptMethod
    let stringMethod: PDFCryptMethod
    /// The `/CF` filters by name, for streams that name theirs with a `/Crypt` filter.
    let cryptFilters: [String: PDFCryptMethod]

    /// The 32 bytes revisions 2–4 pad passwords with (§7.6.3.3, algorithm 2 step a).
    static let padding: [UInt8] = [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
    ]

    /// Reads the dictionary. A handler pyforge does not implement throws `.encrypted`, a
    /// damaged one `.malformed`; `handler` names it in those errors.
    init(_ dictionary: PDFDictionary, documentID: [UInt8], handler: String, resolve: (PDFObject?) -> PDFObject) throws(PDFError) {
        let location = "the /Encrypt dictionary"
        guard dictionary.name("Filter") == "Standard", let version = resolve(dictionary["V"]).int,
              let revision = resolve(dictionary["R"]).int, [1, 2, 4, 5].contains(version), (2...6).contains(revision),
              (version == 5) == (revision >= 5)
        else { throw .encrypted(filter: handler) }
        self.version = version
        self.revision = revision
        self.documentID = documentID
        encryptMetadata = resolve(dictionary["EncryptMetadata"]) != .bool(false)
        permissions = UInt32(truncatingIfNeeded: resolve(dictionary["P"]).int ?? 0)

        var filters: [String: PDFCryptMethod] = ["Identity": .identity]
        var filterLength: Int? = nil
        if version >= 4, let entries = resolve(dictionary["CF"]).dictionary?.entries {
            for (name, value) in entries {
                guard let filter = resolve(value).dictionary else { continue }
                guard let method = PDFCryptMethod(cfm: resolve(filter["CFM"]).name) else { throw .encrypted(filter: handler) }
                filters[name] = method
                if name != "Identity" { filterLength = filterLength ?? resolve(filter["Length"]).int }
            }
        }
        func method(_ key: String) throws(PDFError) -> PDFCryptMethod {
            guard version >= 4 else { return .rc4 }
            let name = resolve(dictionary[key]).name ?? "Identity"
            guard let method = filters[name] else {
                throw .malformed(location: location, reason: "its /\(key) names the crypt filter '\(name)', which its /CF does not define")
            }
            return method
        }
        streamMethod = try method("StmF")
        stringMethod = try method("StrF")
        cryptFilters = filters

        // The key length in bits: /Length (40 by default), or for version 4 the crypt
        // filter's (which some writers give in bytes).
        if revision >= 5 {
            keyLength = 32
        } else if version == 1 || revision == 2 {
            keyLength = 5
        } else {
            var bits = resolve(dictionary["Length"]).int ?? filterLength.map { $0 < 40 ? $0 &* 8 : $0 } ?? (version == 4 ? 128 : 40)
            // AES-128 needs a 16-byte key whatever /Length claims.
            if streamMethod == .aes128 || stringMethod == .aes128 { bits = 128 }
            guard bits >= 40, bits <= 128, bits % 8 == 0 else {
                throw .malformed(location: location, reason: "its key length \(bits) is not a whole number of bytes between 40 and 128 bits")
            }
            keyLength = bits / 8
        }

        let needed = revision >= 5 ? 48 : 32
        func bytes(_ key: String, count: Int) throws(PDFError) -> [UInt8] {
            guard let value = resolve(dictionary[key]).bytes, value.count >= count else {
                throw .malformed(location: location, reason: "its /\(key) string is missing or shorter than the \(count) bytes revision \(revision) needs")
            }
            return Array(value.prefix(count))
        }
        owner = try bytes("O", count: needed)
        user = try bytes("U", count: needed)
        ownerKey = revision >= 5 ? try bytes("OE", count: 32) : []
        userKey = revision >= 5 ? try bytes("UE", count: 32) : []
    }

    /// `RC4 40-bit`, `RC4 128-bit`, `AES-128`, `AES-256` (the stream cipher, which is what
    /// protects the text).
    var algorithm: String {
        switch streamMethod == .identity ? stringMethod : streamMethod {
        case .identity: return "none (identity crypt filters)"
        case .rc4: return "RC4 \(keyLength * 8)-bit"
        case .aes128: return "AES-128"
        case .aes256: return "AES-256"
        }
    }

    /// The file key `password` opens the document with, trying it as the user password and
    /// then as the owner password; nil when it is neither.
    func authenticate(_ password: String) -> (key: [UInt8], use: PDFPasswordUse)? {
        if revision >= 5 {
            let bytes = Array(password.utf8.prefix(127))
            if let key = modernKey(bytes, owner: false) { return (key, password.isEmpty ? .emptyUserPassword : .userPassword) }
            if let key = modernKey(bytes, owner: true) { return (key, .ownerPassword) }
            return nil
        }
        let bytes = Self.legacyBytes(password)
        if let key = legacyUserKey(bytes) { return (key, password.isEmpty ? .emptyUserPassword : .userPassword) }
        if let key = legacyUserKey(legacyUserPassword(fromOwner: bytes)) { return (key, .ownerPassword) }
        return nil
    }

    /// Revisions 2–4 take passwords in PDFDocEncoding, which matches Latin-1 for the
    /// characters people type; anything beyond Latin-1 is passed as UTF-8.
    static func legacyBytes(_ password: String) -> [UInt8] {
        let scalars = password.unicodeScalars
        if scalars.allSatisfy({ $0.value < 256 }) { return scalars.map { UInt8($0.value) } }
        return Array(password.utf8)
    }

    // MARK: Revisions 2–4

    /// Algorithm 2: the file key a user password gives.
    func legacyFileKey(_ password: [UInt8]) -> [UInt8] {
        var input = Array((password + Self.padding).prefix(32))
        input += owner
        input += (0..<4).map { UInt8(truncatingIfNeeded: permissions >> UInt32(8 * $0)) }
        input += documentID
        if revision >= 4 && !encryptMetadata { input += [0xFF, 0xFF, 0xFF, 0xFF] }
        var hash = MD5.digest(input)
        if revision >= 3 {
            for _ in 0..<50 { hash = MD5.digest(hash.prefix(keyLength)) }
        }
        return Array(hash.prefix(keyLength))
    }

    /// Algorithms 4 and 5 (6 checks them): the file key when `password` is the user password.
    func legacyUserKey(_ password: [UInt8]) -> [UInt8]? {
        let key = legacyFileKey(password)
        if revision == 2 {
            return RC4.apply(key: key, to: Self.padding) == user ? key : nil
        }
        var check = RC4.apply(key: key, to: MD5.digest(Self.padding + documentID))
        for i in 1...19 { check = RC4.apply(key: key.map { $0 ^ UInt8(i) }, to: check) }
        return check == Array(user.prefix(16)) ? key : nil
    }

    /// Algorithm 7 (after algorithm 3's steps a–d): the user password that `/O` holds
    /// encrypted under a key derived from the owner password.
    func legacyUserPassword(fromOwner password: [UInt8]) -> [UInt8] {
        var hash = MD5.digest((password + Self.padding).prefix(32))
        if revision >= 3 {
            for _ in 0..<50 { hash = MD5.digest(hash) }
        }
        let key = Array(hash.prefix(keyLength))
        if revision == 2 { return RC4.apply(key: key, to: owner) }
        var result = owner
        for i in stride(from: 19, through: 0, by: -1) { result = RC4.apply(key: key.map { $0 ^ UInt8(i) }, to: result) }
        return result
    }

    // MARK: Revisions 5 and 6

    /// Algorithms 2.A, 11 and 12: the file key when `password` is the user (or owner) password.
    func modernKey(_ password: [UInt8], owner asOwner: Bool) -> [UInt8]? {
        let entry = asOwner ? owner : user
        let extra = asOwner ? Array(user.prefix(48)) : []
        let validationSalt = Array(entry[32..<40]), keySalt = Array(entry[40..<48])
        guard hash(password, salt: validationSalt, extra: extra) == Array(entry.prefix(32)) else { return nil }
        guard let cipher = AES(key: hash(password, salt: keySalt, extra: extra)) else { return nil }
        // The file key is /OE or /UE decrypted with AES-256, no IV (zero) and no padding.
        let key = cipher.decryptCBC((asOwner ? ownerKey : userKey)[...], iv: [UInt8](repeating: 0, count: 16))
        return key.count == 32 ? key : nil
    }

    func hash(_ password: [UInt8], salt: [UInt8], extra: [UInt8]) -> [UInt8] {
        revision == 5 ? SHA256.digest(password + salt + extra) : PDFHardenedHash.hash(password: password, salt: salt, extra: extra)
    }
}
