/// How an encrypted document's strings or streams are enciphered: a crypt filter's
/// `/CFM` (§7.6.5), or the implicit RC4 of security handler versions 1 and 2.
enum PDFCryptMethod: Sendable, Equatable {
    /// `/None` or the `/Identity` filter: the data is stored in the clear.
    case identity
    /// `/V2`: RC4 with a per-object key.
    case rc4
    /// `/AESV2`: AES-128-CBC with a per-object key.
    case aes128
    /// `/AESV3`: AES-256-CBC with the file key itself.
    case aes256

    /// nil for a method pyforge does not know (the document is then refused).
    init?(cfm: String?) {
        switch cfm {
        case nil, "None"?: self = .identity
        case "V2"?: self = .rc4
        case "AESV2"?: self = .aes128
        case "AESV3"?: self = .aes256
        default: return nil
        }
    }

    var isAES: Bool { self == .aes128 || self == .aes256 }
}

/// How a document's encryption was lifted, for `info`.
public enum PDFPasswordUse: String, Sendable {
    case emptyUserPassword = "the empty user password"
    case userPassword = "the user password"
    case ownerPassword = "the owner password"
}

/// An encrypted document's protection as `info` reports it.
public struct PDFEncryption: Sendable {
    /// `Standard (V4, R4)`: the filter, version and revision as the file states them.
    public var handler: String
    /// `RC4 40-bit`, `AES-128`…; nil when the handler is not one pyforge decrypts.
    public var algorithm: String?
    public var revision: Int?
    /// nil when the document could not be opened; `refusal` then says why.
    public var openedWith: PDFPasswordUse?
    public var refusal: PDFError?
}
