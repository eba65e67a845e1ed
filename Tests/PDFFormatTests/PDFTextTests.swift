@testable import PDFFormat
import Testing
@testable import FormatKit

@Suite struct PDFTextTests {
    @Test func infoStringsInBothEncodings() {
        #expect(PDFTextString.decode([0xFE, 0xFF, 0x03, 0xA9, 0x00, 0x41]) == "ΩA")
        #expect(PDFTextString.decode([0x5A, 0x6F, 0xEB, 0x80, 0xA0]) == "Zoë•€")
    }

    @Test func dates() {
        #expect(PDFTextString.date("D:20240102030405+01'00'") == "2024-01-02T03:04:05+01:00")
        #expect(PDFTextString.date("D:20240102030405Z") == "2024-01-02T03:04:05Z")
        #expect(PDFTextString.date("D:2024") == "2024-01-01")
        #expect(PDFTextString.date("yesterday") == "yesterday")
    }

    @Test func pageSelection() throws {
        #expect(try PDFPageSelection(parsing: "1-3,7, 2").pages(of: 10) == [1, 2, 3, 7])
        #expect(try PDFPageSelection(parsing: "8-").pages(of: 10) == [8, 9, 10])
        #expect(try PDFPageSelection(parsing: "-2").pages(of: 10) == [1, 2])
        #expect(throws: PDFError.pageOutOfRange(requested: 11, pages: 10)) { try PDFPageSelection(parsing: "9-11").pages(of: 10) }
        for bad in ["", "a", "0", "3-1", "1,,2", "-"] {
            #expect(throws: ConversionError.self) { try PDFPageSelection(parsing: bad) }
        }
    }

    @Test func layoutBreaksLinesAndInsertsGapSpaces() {
        var layout = PDFTextLayout()
        func glyph(_ c: Unicode.Scalar, _ x: Double, _ y: Double) {
            layout.add([c], x: x, y: y, endX: x + 6, endY: y, size: 12, dirX: 1, dirY: 0)
        }
        glyph("a", 0, 100); glyph("b", 6, 100)   // adjacent
        glyph("c", 30, 100)                      // a gap: a space
        glyph("d", 0, 86)                        // a lower baseline: a new line
        glyph("e", 6, 86.5)                      // a small rise stays on the line
        #expect(layout.finish() == "ab c\nde\n")
    }
}
