/// Decrypts the strings and streams of an opened document (§7.6.2): RC4 or AES-128 with
/// a key per object (algorithm 1), AES-256 with the file key.
struct PDFDecryptor {
    let fileKey: [UInt8]
    let streamMethod: PDFCryptMethod
    let stringMethod: PDFCryptMethod
    let cryptFilters: [String: PDFCryptMethod]
    let encryptMetadata: Bool

    init(key: [UInt8], security: PDFStandardSecurity) {
        fileKey = key
        streamMethod = security.streamMethod
        stringMethod = security.stringMethod
        cryptFilters = security.cryptFilters
        encryptMetadata = security.encryptMetadata
    }

    /// `object` (the indirect object `reference`, as parsed from the file) with its
    /// strings and stream data decrypted. Cross-reference streams are stored in the clear.
    func decrypt(_ object: PDFObject, _ reference: PDFReference) -> PDFObject {
        switch object {
        case .string(let bytes):
            return .string(apply(stringMethod, to: bytes[...], reference))
        case .array(let items):
            return .array(items.map { decrypt($0, reference) })
        case .dictionary(let dictionary):
            return .dictionary(decrypt(dictionary, reference))
        case .stream(var stream):
            guard stream.dictionary.name("Type") != "XRef" else { return object }
            let method = self.method(of: stream)
            stream.dictionary = decrypt(stream.dictionary, reference)
            stream.data = apply(method, to: stream.data[...], reference)
            return .stream(stream)
        default:
            return object
        }
    }

    private func decrypt(_ dictionary: PDFDictionary, _ reference: PDFReference) -> PDFDictionary {
        PDFDictionary(dictionary.entries.mapValues { decrypt($0, reference) })
    }

    /// The stream's own `/Crypt` filter when its first filter is one (§7.4.10), else the
    /// document's stream method; metadata stays clear under `/EncryptMetadata false`.
    private func method(of stream: PDFStream) -> PDFCryptMethod {
        if !encryptMetadata, stream.dictionary.name("Type") == "Metadata" { return .identity }
        let filters = stream.dictionary["Filter"]
        let first = filters?.name ?? filters?.array?.first?.name
        guard first == "Crypt" else { return streamMethod }
        let parms = stream.dictionary["DecodeParms"]
        let name = (parms?.dictionary ?? parms?.array?.first?.dictionary)?.name("Name") ?? "Identity"
        return cryptFilters[name] ?? streamMethod
    }

    func apply(_ method: PDFCryptMethod, to data: ArraySlice<UInt8>, _ reference: PDFReference) -> [UInt8] {
        switch method {
        case .identity: return Array(data)
        case .rc4: return RC4.apply(key: objectKey(reference, aes: false), to: data)
        case .aes128: return Self.decryptAES(data, key: objectKey(reference, aes: true))
        case .aes256: return Self.decryptAES(data, key: fileKey)
        }
    }

    /// Algorithm 1: MD5 of the file key, the object number's low 3 bytes and the generation's
    /// low 2 (and "sAlT" for AES), cut to the file key's length + 5, at most 16 bytes.
    func objectKey(_ reference: PDFReference, aes: Bool) -> [UInt8] {
        var input = fileKey
        for shift in [0, 8, 16] { input.append(UInt8(truncatingIfNeeded: reference.number >> shift)) }
        for shift in [0, 8] { input.append(UInt8(truncatingIfNeeded: reference.generation >> shift)) }
        if aes { input += [0x73, 0x41, 0x6C, 0x54] }
        return Array(MD5.digest(input).prefix(min(fileKey.count + 5, 16)))
    }

    /// AES-CBC with the IV in the first 16 bytes and PKCS#5 padding. Damaged data decrypts
    /// as far as it goes: a partial last block is dropped, and padding that does not check
    /// out is left in place rather than trusted.
    static func decryptAES(_ data: ArraySlice<UInt8>, key: [UInt8]) -> [UInt8] {
        guard data.count >= 32, let cipher = AES(key: key) else { return [] }
        let iv = Array(data.prefix(16))
        var plain = cipher.decryptCBC(data.dropFirst(16), iv: iv)
        if let last = plain.last, last >= 1, last <= 16, Int(last) <= plain.count,
           plain.suffix(Int(last)).allSatisfy({ $0 == last }) {
            plain.removeLast(Int(last))
        }
        return plain
    }
}
