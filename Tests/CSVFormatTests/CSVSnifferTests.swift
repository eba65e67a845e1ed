import Testing
@testable import CSVFormat

/// The dialect sniffed from `text` as a whole file (or as the start of a longer one).
private func sniff(_ text: String, whole: Bool = true, delimiter: UInt8? = nil, options: CSVOptions = CSVOptions()) -> CSVDialect {
    Array(text.utf8).withUnsafeBytes { CSVSniffer.dialect($0, isWholeFile: whole, delimiter: delimiter, options: options) }
}

private let tab: UInt8 = 0x09
private let single = UInt8(ascii: "'")

@Suite struct CSVSnifferTests {
    @Test func plainFileKeepsRFCQuotes() {
        let dialect = sniff("id,name\n1,a\n2,b\n")
        #expect(dialect.delimiter == UInt8(ascii: ","))
        #expect(dialect.quote == CSVDialect.doubleQuote && dialect.escape == CSVDialect.doubleQuote)
    }

    @Test func quotedDelimitersAndDoubledQuotes() {
        let dialect = sniff("id;text\n1;\"a; b\"\n2;\"say \"\"hi\"\"\"\n3;c\n")
        #expect(dialect.delimiter == UInt8(ascii: ";"))
        #expect(dialect.quote == CSVDialect.doubleQuote && dialect.escape == CSVDialect.doubleQuote)
    }

    /// Quotes that are text (a TSV from a tool that never quotes) leave "no quotes" standing.
    @Test func strayQuotesMeanNoQuoting() {
        var text = "id\tname\tnote\n"
        for i in 0..<30 { text += "\(i)\t\(i % 2 == 0 ? "5\" floppy" : "\"quoted\" word")\tit's\n" }
        for whole in [true, false] {
            let dialect = sniff(text, whole: whole)
            #expect(dialect.delimiter == tab)
            #expect(dialect.quote == nil)
        }
    }

    /// Quotes inside a field (not at its start) are text under RFC 4180 too: `"` stays.
    @Test func quotesInsideFieldsKeepRFC() {
        #expect(sniff("id,size\n1,5\" disk\n2,3\"\n").quote == CSVDialect.doubleQuote)
    }

    @Test func singleQuotesWhereTheyQuote() {
        let dialect = sniff("id,name,n\n1,'hello, world',2\n2,'x',3\n")
        #expect(dialect.delimiter == UInt8(ascii: ","))
        #expect(dialect.quote == single && dialect.escape == single)
        // Evidence alone (no delimiter inside) is enough: the quotes do quote.
        #expect(sniff("id,name\n1,'abc'\n2,'x'\n").quote == single)
    }

    @Test func apostrophesAreNotQuotes() {
        #expect(sniff("id,name\n1,O'Brien\n2,'90s hits\n3,it's\n").quote == CSVDialect.doubleQuote)
    }

    @Test func backslashEscapes() {
        let dialect = sniff("id,text\n1,\"a \\\"b\\\" c\"\n2,\"x, y\"\n")
        #expect(dialect.quote == CSVDialect.doubleQuote && dialect.escape == CSVDialect.backslash)
        // A backslash that escapes nothing keeps doubled quotes.
        #expect(sniff("id,path\n1,\"C:\\dir\"\n2,\"a \"\"b\"\"\"\n").escape == CSVDialect.doubleQuote)
    }

    /// Title lines above the header do not count against the delimiter.
    @Test func titleLinesDoNotHideTheDelimiter() {
        var text = "Quarterly report\nGenerated 2024-05-01\n\nregion\tamount\tcount\n"
        for i in 0..<20 { text += "r\(i)\t\(i).5\t\(i)\n" }
        #expect(sniff(text).delimiter == tab)
    }

    /// A quote that never closes before the end of the file is an error in the file to
    /// report, not a reason to read quotes as text.
    @Test func unclosedQuoteAtTheEndKeepsRFC() {
        #expect(sniff("a,b\n1,\"never closed\n2,3\n").quote == CSVDialect.doubleQuote)
        // At the end of a sample (more file follows) it only ends what is counted.
        #expect(sniff("a\tb\n1\t2\n3\t\"4\n5\t6\n", whole: false).delimiter == tab)
    }

    @Test func givenOptionsAreKept() {
        let text = "id,name\n1,'a, b'\n"
        #expect(sniff(text, options: CSVOptions(quote: .some(nil))).quote == nil)
        #expect(sniff(text, options: CSVOptions(quote: .some(CSVDialect.doubleQuote))).quote == CSVDialect.doubleQuote)
        let escaped = sniff("id,name\n1,'it\\'s'\n", options: CSVOptions(escape: CSVDialect.backslash))
        #expect(escaped.quote == single && escaped.escape == CSVDialect.backslash)
        #expect(sniff("a|b\n1|2\n", delimiter: UInt8(ascii: ";")).delimiter == UInt8(ascii: ";"))
    }

    /// Only characters present in the sample are tried; a sample without any still sniffs.
    @Test func candidateQuotingsFollowTheSample() {
        func quotings(_ text: String) -> [CSVSniffer.Quoting] {
            Array(text.utf8).withUnsafeBytes { CSVSniffer.candidateQuotings($0, options: CSVOptions()) }
        }
        #expect(quotings("a,b\n1,2\n") == [CSVSniffer.quotings[0]])
        #expect(quotings("a,b\n\"1\",'2'\n").count == 3)
        #expect(quotings("a,b\n\"1\",'2\\'\n").count == 5)
        #expect(sniff("").delimiter == UInt8(ascii: ","))
        #expect(sniff("single column\nonly\n").delimiter == UInt8(ascii: ","))
    }

    @Test func headerIsSniffedWithTheDialect() {
        let none = CSVDialect(delimiter: tab, quote: nil)
        let data = Array("1\t\"x\n2\ty\"\n".utf8)
        #expect(data.withUnsafeBytes { CSVSniffer.hasHeader($0, dialect: none, isWholeFile: true) } == false)
        let named = Array("id\tname\n1\tx\n".utf8)
        #expect(named.withUnsafeBytes { CSVSniffer.hasHeader($0, dialect: none, isWholeFile: true) })
    }
}
