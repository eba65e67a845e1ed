import PDFFormat
import FormatKit

/// PDF: the lexer and object parser, the cross-reference table or stream (and its
/// reconstruction), object streams, the filters, encryption (an empty user password, else
/// "fuzz"), the page tree, fonts, CMaps and the content interpreter; the text of every page
/// (the first 8) is extracted.
enum PDFFuzz {
    static func run(_ bytes: [UInt8]) {
        let path = ScratchFile.write(bytes, named: "input.pdf")
        defer { ScratchFile.remove("input.pdf") }
        do throws(ConversionError) {
            // Encrypted seeds (Fuzz/make_seeds.py) have an empty user password or "fuzz".
            let extractor: PDFTextExtractor
            do throws(ConversionError) {
                extractor = try PDFTextExtractor(path: path)
            } catch {
                extractor = try PDFTextExtractor(path: path, password: "fuzz")
            }
            for number in extractor.pages.indices.prefix(8) {
                _ = try? extractor.text(ofPage: number + 1)
            }
            _ = extractor.warnings
        } catch {
            _ = error.description
        }
    }
}
