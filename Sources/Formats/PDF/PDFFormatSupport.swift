import FormatKit

/// PDF documents as pyforge's registry knows them: text, not a table (the pipeline extracts it).
public struct PDFFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "pdf" }
    public var displayName: String { "PDF" }
    public var title: String { "PDF document (text extraction)" }
    public var extensions: [String] { [".pdf"] }
    public var content: FormatContent { .text }

    /// The structure only (pages, version, Info dictionary, encryption), even of a document it cannot decrypt.
    public func inspect(path: String, options: PDFOptions) throws(ConversionError) -> FileInfo {
        try PDFInspector.info(path: path, password: options.password)
    }

    /// The document converts when every page's text can be extracted, which also reports the
    /// pages a limit stopped.
    public func verify(path: String, options: PDFOptions) throws(ConversionError) -> [String] {
        let extractor = try PDFTextExtractor(path: path, password: options.password)
        for number in extractor.pages.indices { _ = try extractor.text(ofPage: number + 1) }
        return extractor.warnings
    }

    public func open(_ input: FormatInput, options: PDFOptions) throws(ConversionError) -> TableSource {
        throw .unsupportedConversion(input: "PDF", output: "a table (a PDF converts to text: pyforge convert file.pdf file.txt)")
    }
}
