@testable import PDFFormat
import Testing

@Suite struct PDFLexerTests {
    func tokens(_ text: String) throws -> [PDFToken] {
        try withPDFBytes(text) { bytes in
            var lexer = PDFLexer(bytes: bytes)
            var out: [PDFToken] = []
            while true {
                let t = try lexer.next()
                if t == .eof { return out }
                out.append(t)
            }
        }
    }

    @Test func numbersNamesAndKeywords() throws {
        #expect(try tokens("12 -3 +4 .5 -.25 4. /Name /A#20B true obj % comment\n R") == [
            .int(12), .int(-3), .int(4), .real(0.5), .real(-0.25), .real(4), .name("Name"), .name("A B"),
            .keyword(.trueValue), .keyword(.obj), .keyword(.r),
        ])
    }

    @Test func literalStringEscapes() throws {
        #expect(try tokens(#"(a\(b\)c (nested) \n\t\\ \101\0572 line\\#ncont)"#) == [
            .string(Array("a(b)c (nested) \n\t\\ A/2 linecont".utf8)),
        ])
        #expect(try tokens("(cr\r\nlf)") == [.string(Array("cr\nlf".utf8))])
    }

    @Test func hexStringsIgnoreWhitespaceAndPadOddDigits() throws {
        #expect(try tokens("<48 65 6C6C6F> <ABC>") == [.string(Array("Hello".utf8)), .string([0xAB, 0xC0])])
    }

    @Test func delimiters() throws {
        #expect(try tokens("<< /K [1 2] >>") == [.dictionaryOpen, .name("K"), .arrayOpen, .int(1), .int(2), .arrayClose, .dictionaryClose])
    }

    @Test func unclosedStringIsAnError() {
        #expect(throws: PDFError.self) { try tokens("(never closed") }
    }

    @Test func keywordsCompareByTheirFirstEightBytesAndLength() {
        #expect(PDFKeyword("endstream") != PDFKeyword("endstrea"))
        #expect(PDFKeyword("Tj").description == "Tj")
    }
}
