import FormatKit
/// Why a PDF could not be read. `location` says where: "byte 4211" or "object 12 0 at byte 4211".
public enum PDFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is empty.
    case empty
    /// No `%PDF-` header in the first KiB.
    case notPDF
    /// The trailer's `/Encrypt` names a security handler pyforge does not implement.
    case encrypted(filter: String)
    /// The empty user password does not open the document, and no password was given.
    case passwordRequired
    /// The password given is neither the user nor the owner password.
    case wrongPassword
    /// The file ends early.
    case truncated(size: Int)
    /// Structure or syntax that cannot be read.
    case malformed(location: String, reason: String)
    /// A limit that protects against hostile files was reached.
    case limit(location: String, reason: String)
    /// A page number outside the document.
    case pageOutOfRange(requested: Int, pages: Int)

    public var description: String {
        switch self {
        case .empty: return "The file is empty (0 bytes), not a PDF document."
        case .notPDF: return "The file does not start with a '%PDF-' header, so it is not a PDF document."
        case .encrypted(let filter):
            return "The document is encrypted with the security handler '\(filter)', which pyforge does not decrypt (it decrypts the standard password handler, revisions 2 to 6)."
        case .passwordRequired:
            return "The document is protected by a password, and none was given."
        case .wrongPassword:
            return "The document is encrypted, and the password given is neither its user nor its owner password."
        case .truncated(let size):
            return "The file is truncated: it ends at byte \(size) without its cross-reference table and '%%EOF' marker."
        case .malformed(let location, let reason): return "At \(location): \(reason)."
        case .limit(let location, let reason): return "At \(location): \(reason)."
        case .pageOutOfRange(let requested, let pages):
            return "Page \(requested) was requested but the document has \(pages) page\(pages == 1 ? "" : "s")."
        }
    }

    /// What the user can do about it.
    public var fix: String {
        switch self {
        case .empty, .truncated:
            return "Copy or download the file again; if it was being written, wait until it is complete."
        case .notPDF:
            return "Check that the file really is a PDF (a renamed file keeps its old format)."
        case .encrypted:
            return "Remove the protection first, for example 'qpdf --decrypt --password=PASSWORD in.pdf out.pdf', and convert the decrypted copy."
        case .passwordRequired:
            return "Give its user or owner password with --password PASSWORD."
        case .wrongPassword:
            return "Check the password and give it again with --password PASSWORD."
        case .malformed:
            return "The file is damaged; open it in a PDF viewer and save or print it to a new PDF, then convert that."
        case .limit:
            return "pyforge refuses such files to protect the machine; if the document is genuine, save it again from a PDF viewer."
        case .pageOutOfRange:
            return "Choose pages within the document with --pages (for example --pages 1-3)."
        }
    }

    /// The conversion error the CLI prints for this PDF error about `path`.
    public func conversionError(path: String) -> ConversionError {
        switch self {
        case .malformed(let location, let reason), .limit(let location, let reason):
            return .malformedInput(path: path, location: location, reason: reason, fix: fix)
        case .pageOutOfRange:
            return .invalidOption("'\(path)': \(description) \(fix)")
        default:
            return .unreadableInput(path: path, reason: description + " " + fix)
        }
    }
}
