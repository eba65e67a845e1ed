import Foundation
@testable import PDFFormat
import Testing

/// The per-page operation budget of `PDFContentInterpreter`: form XObjects that draw each
/// other several times stop at it with one warning naming the page.
@Suite struct PDFContentBudgetTests {
    /// A PDF from object bodies (object i+1 = objects[i]) with a correct classic xref table.
    private func pdf(_ objects: [String]) -> [UInt8] {
        var out = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets {
            let digits = String(offset)
            out += Array((String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n").utf8)
        }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    private func stream(_ content: String, _ extra: String = "") -> String {
        "<< /Length \(content.utf8.count) \(extra)>>\nstream\n\(content)\nendstream"
    }

    /// One page drawing form 1; form k draws form k+1 `copies` times; the last shows "Hi".
    private func fanOut(levels: Int, copies: Int) throws -> PDFTextExtractor {
        var objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /XObject << /X 6 0 R >> >> >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            stream("/X Do"),
        ]
        for level in 0..<levels {
            let form = "/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            if level == levels - 1 {
                objects.append(stream("BT /F1 12 Tf 72 720 Td (Hi) Tj ET", form + "/Resources << /Font << /F1 4 0 R >> >> "))
            } else {
                objects.append(stream(String(repeating: "/X Do ", count: copies), form + "/Resources << /XObject << /X \(7 + level) 0 R >> >> "))
            }
        }
        let path = try writeTemporaryFile("fan.pdf", pdf(objects))
        return try PDFTextExtractor(path: path)
    }

    @Test func formsFanningOutStopAtTheBudgetWithOneWarning() throws {
        let extractor = try fanOut(levels: 16, copies: 10)
        let text = try extractor.text(ofPage: 1)
        #expect(text.hasPrefix("Hi"))
        let stops = extractor.warnings.filter { $0.contains("stopped after") }
        #expect(stops == ["Page 1: stopped after \(PDFContentInterpreter.maxOperationsPerPage) operations; the text of this page may be incomplete (its content and the form XObjects it draws run more operations than pyforge allows per page)."])
    }

    @Test func formsDrawnManyTimesWithinTheBudgetGiveAllTheirText() throws {
        let extractor = try fanOut(levels: 3, copies: 10)
        #expect(try extractor.text(ofPage: 1).components(separatedBy: "Hi").count - 1 == 100)
        #expect(extractor.warnings.isEmpty)
    }

    @Test func formsNestedTooDeepAreWarnedAboutOnce() throws {
        // 20 levels drawing the next one twice: the copies past the depth limit are skipped,
        // and the 2^15 skips give one warning.
        let extractor = try fanOut(levels: 20, copies: 2)
        _ = try extractor.text(ofPage: 1)
        #expect(extractor.warnings.count == 1)
        #expect(extractor.warnings.first?.contains("nests more than \(PDFContentInterpreter.maxFormDepth) deep") == true)
    }
}
