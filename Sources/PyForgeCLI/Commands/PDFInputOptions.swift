import ArgumentParser
import PyForgeCore
import FormatKit

/// How a PDF is converted to text (pages, page markers).
struct PDFInputOptions: ParsableArguments {
    // Unconditional: "-10" (from the start to page 10) is a value, not an option, as in 1.x.
    @Option(name: [.customShort("p"), .long], parsing: .unconditional, help: "PDF: the pages to extract, 1-based: numbers and ranges such as 1-3,7 or 5- (default: every page).")
    var pages: String?

    @Flag(name: [.customShort("m"), .long], help: "PDF: mark each page's text with '--- Page N ---' and '--- End Page N ---' lines.")
    var metadata = false

    var given: [ConvertOption] { [(pages != nil, ConvertOption.pages), (metadata, .metadata)].compactMap { $0.0 ? $0.1 : nil } }

    func validate() throws {
        if let pages {
            do throws(ConversionError) { _ = try PDFPageSelection(parsing: pages) } catch { throw ValidationError(error.description) }
        }
    }

    var options: PDFOptions {
        PDFOptions(pages: pages.flatMap { try? PDFPageSelection(parsing: $0) }, pageMarkers: metadata)
    }
}
