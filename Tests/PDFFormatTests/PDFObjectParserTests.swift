@testable import PDFFormat
import Testing

@Suite struct PDFObjectParserTests {
    @Test func dictionariesArraysAndReferences() throws {
        let object = try parsePDFObject("<< /Type /Page /Kids [1 0 R 2 0 R 3] /N null /B true /S (x) >>")
        let d = try #require(object.dictionary)
        #expect(d.name("Type") == "Page")
        #expect(d["Kids"] == .array([.reference(PDFReference(1, 0)), .reference(PDFReference(2, 0)), .int(3)]))
        #expect(d["N"] == nil)  // null values are absent
        #expect(d["B"] == .bool(true))
        #expect(d["S"] == .string([0x78]))
    }

    @Test func indirectObjectWithStream() throws {
        let text = "7 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\nendobj"
        let (reference, object) = try withPDFBytes(text) { bytes in
            var parser = PDFObjectParser(bytes: bytes)
            return try parser.parseIndirectObject()
        }
        #expect(reference == PDFReference(7, 0))
        #expect(object.stream?.data == Array("hello".utf8))
    }

    @Test func wrongLengthFallsBackToEndstream() throws {
        let text = "1 0 obj << /Length 99 >> stream\r\nabc def\r\nendstream endobj"
        let object = try withPDFBytes(text) { bytes in
            var parser = PDFObjectParser(bytes: bytes)
            return try parser.parseIndirectObject().1
        }
        #expect(object.stream?.data == Array("abc def".utf8))
    }

    @Test func streamWithoutEndIsMalformed() {
        #expect(throws: PDFError.self) {
            try withPDFBytes("1 0 obj << /Length 3 >> stream\nabcdef") { bytes in
                var parser = PDFObjectParser(bytes: bytes)
                _ = try parser.parseIndirectObject()
            }
        }
    }

    @Test func deepNestingIsLimited() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: PDFError.self) { try parsePDFObject(deep) }
    }
}
