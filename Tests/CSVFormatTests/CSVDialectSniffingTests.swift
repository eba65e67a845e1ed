import TestSupport
import Testing
@testable import FormatKit
@testable import CSVFormat

/// `CSVDialect.sniff`, the reader's dialect from a file's first bytes for callers that hand
/// the file to another reader (the Databricks extension), and `quotesLineBreaks`.
@Suite struct CSVDialectSniffingTests {
    private func sniff(_ text: String, whole: Bool = true, name: String = "x.csv") -> CSVDialect {
        Array(text.utf8).withUnsafeBytes { CSVDialect.sniff(prefix: $0, isWholeFile: whole, fileName: name) }
    }

    private func spansLines(_ text: String, _ dialect: CSVDialect = CSVDialect(), whole: Bool = true) -> Bool {
        Array(text.utf8).withUnsafeBytes { dialect.quotesLineBreaks(in: $0, isWholeFile: whole) }
    }

    /// The same files through the reader and through `sniff`: the same dialect and header.
    @Test func agreesWithTheReader() throws {
        var strayQuotes = "id\tname\tnote\n"
        for i in 0..<30 { strayQuotes += "\(i)\t\(i % 2 == 0 ? "5\" floppy" : "\"quoted\" word")\tit's\n" }
        let files: [(String, String)] = [
            ("plain.csv", "id,name\n1,a\n2,b\n"),
            ("semi.csv", "id;text\n1;\"a; b\"\n2;\"say \"\"hi\"\"\"\n3;c\n"),
            ("numbers.csv", "1,2024-01-01,x\n2,2024-01-02,y\n3,2024-01-03,z\n"),
            ("excel.csv", "sep=;\nname;price\nann;1,5\nbob;2,25\n"),
            ("titled.csv", "Quarterly report\nGenerated 2024-05-01\n\nregion,sales\nnorth,10\nsouth,20\n"),
            ("tabs.tsv", "a,b\n1,2\n"),
            ("stray.txt", strayQuotes),
            ("backslash.csv", "id,text\n1,\"say \\\"hi\\\"\"\n2,\"x\"\n"),
        ]
        let dir = try makeTemporaryDirectory()
        for (name, text) in files {
            let path = try writeFile(dir, name, Array(text.utf8))
            let read = try CSVSource(path: path, options: CSVOptions()).scan().reader.dialect
            let sniffed = sniff(text, name: path)
            #expect(sniffed.delimiter == read.delimiter, "\(name)")
            #expect(sniffed.quote == read.quote, "\(name)")
            #expect(sniffed.escape == read.escape, "\(name)")
            #expect(sniffed.hasHeader == read.hasHeader, "\(name)")
        }
    }

    @Test func compressionSuffixIsLookedThrough() {
        #expect(sniff("a,b\n1,2\n", name: "/data/x.tsv.gz").delimiter == 0x09)
    }

    @Test func quotedLineBreaks() {
        #expect(spansLines("a,b\n1,\"two\nlines\"\n"))
        #expect(spansLines("a,b\n1,\"two\r\nlines\"\n"))
        #expect(!spansLines("a,b\n1,\"one line\"\n\n2,x\n"))
        // The sample ends inside a quoted field that already spans a line.
        #expect(spansLines("a,b\n1,\"two\nli", whole: false))
        // ... or inside an unquoted line: nothing spans.
        #expect(!spansLines("a,b\n1,tw", whole: false))
        // Without quoting a quote is text, and a line break always ends the record.
        #expect(!spansLines("a,b\n1,\"two\nlines\"\n", CSVDialect(quote: nil)))
        // With `\` escapes an escaped quote does not close the field.
        #expect(spansLines("a,b\n1,\"x \\\" y\nz\"\n", CSVDialect(quote: CSVDialect.doubleQuote, escape: CSVDialect.backslash)))
    }
}
