import Platform
import FormatKit
/// Extracts the text of a document's pages, one page at a time.
public final class PDFTextExtractor {
    public let document: PDFDocument
    public let pages: [PDFPage]
    private let interpreter: PDFContentInterpreter

    /// Opens `path` (decrypting it with the empty user password or `password`), refusing
    /// documents it cannot decrypt and documents without pages.
    public init(path: String, password: String? = nil) throws(ConversionError) {
        document = try PDFDocument(path: path, password: password)
        do throws(PDFError) {
            try document.requireReadable()
            pages = try document.pages()
            guard !pages.isEmpty else { throw .malformed(location: "the page tree", reason: "the document has no pages") }
        } catch {
            throw error.conversionError(path: path)
        }
        interpreter = PDFContentInterpreter(document: document)
    }

    /// The text of 1-based page `number`.
    public func text(ofPage number: Int) throws(ConversionError) -> String {
        do {
            return try interpreter.text(of: pages[number - 1], number: number)
        } catch {
            throw error.conversionError(path: document.path)
        }
    }

    public var warnings: [String] { document.warnings + interpreter.warnings }
}
