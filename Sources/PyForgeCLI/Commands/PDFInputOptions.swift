import ArgumentParser
import Pipeline
import FormatKit
import PDFFormat

/// How a PDF is converted to text (pages, page markers).
struct PDFInputOptions: ConvertOptionGroup {
    // Unconditional: "-10" (from the start to page 10) is a value, not an option, as in 1.x.
    @Option(name: [.customShort("p"), .long], parsing: .unconditional, help: "PDF: the pages to extract, 1-based: numbers and ranges such as 1-3,7 or 5- (default: every page).",
            transform: PDFPageSelection.argument)
    var pages: PDFPageSelection?

    @Flag(name: [.customShort("m"), .long], help: "PDF: mark each page's text with '--- Page N ---' and '--- End Page N ---' lines.")
    var metadata = false

    func fill(_ options: inout ConvertOptions) {
        options.pages = pages
        options.metadata = metadata
    }
}
