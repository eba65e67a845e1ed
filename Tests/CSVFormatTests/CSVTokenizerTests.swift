import Testing
@testable import FormatKit
@testable import CSVFormat

/// Tokenizes `text` fed in fragments of `step` bytes (the way a buffer fills), returning
/// each record's fields (nil for a missing field of a short row).
func tokenize(
    _ text: String, columns: Int, step: Int? = nil, delimiter: UInt8 = UInt8(ascii: ","), dialect: CSVDialect? = nil,
    allowRagged: Bool = false
) throws -> [[String?]] {
    let bytes = Array(text.utf8)
    let dialect = dialect ?? CSVDialect(delimiter: delimiter)
    var tokenizer = CSVTokenizer(path: "test.csv", dialect: dialect, allowRagged: allowRagged)
    let index = FieldIndex(columnCount: columns, rowCapacity: 3)
    var records: [[String?]] = []
    try bytes.withUnsafeBufferPointer { buffer in
        let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        var consumed = 0
        var available = min(step ?? bytes.count, bytes.count)
        while true {
            let isFinal = available == bytes.count
            let next = try tokenizer.tokenize(base, from: consumed, count: available, isFinal: isFinal, into: index)
            for row in 0..<index.rowCount {
                records.append((0..<columns).map { c in
                    let slot = index.slot(row: row, column: c)
                    if index.kinds[slot] == FieldIndex.Kind.missing.rawValue { return nil }
                    let span = SimpleRecordParser.Span(
                        start: Int(index.starts[slot]), end: Int(index.ends[slot]), quoted: true,
                        escaped: index.kinds[slot] == FieldIndex.Kind.quotedEscaped.rawValue)
                    return String(decoding: SimpleRecordParser.text(UnsafeRawBufferPointer(buffer), span, dialect: dialect), as: UTF8.self)
                })
            }
            consumed = next
            if isFinal && index.rowCount == 0 { break }
            if index.rowCount == 0 { available = min(available + (step ?? bytes.count), bytes.count) }
        }
    }
    return records
}

@Suite struct CSVTokenizerTests {
    static let tricky = "a,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\n\n2,\"multi\nline\",\r\n3,,\"\"\n4,é,\"last\""

    @Test func splitsRFC4180Records() throws {
        let records = try tokenize(Self.tricky, columns: 3)
        #expect(records == [
            ["a", "b", "c"], ["1", "x, y", "he said \"hi\""], ["2", "multi\nline", ""], ["3", "", ""], ["4", "é", "last"],
        ])
    }

    /// Every fragment size gives the same records as reading all at once.
    @Test(arguments: [1, 2, 3, 5, 7, 16])
    func fragmentsGiveTheSameRecords(step: Int) throws {
        #expect(try tokenize(Self.tricky, columns: 3, step: step) == tokenize(Self.tricky, columns: 3))
    }

    @Test func shortRowsArePaddedWithMissingFields() throws {
        let records = try tokenize("a,b,c\n1\n2,3\n", columns: 3)
        #expect(records == [["a", "b", "c"], ["1", nil, nil], ["2", "3", nil]])
    }

    @Test func longRowsFailWithTheLineNumber() {
        #expect {
            _ = try tokenize("a,b\n1,2\n\"x\ny\",2\n3,4,5\n", columns: 2)
        } throws: { error in
            (error as? ConversionError)?.description.contains("line 5") == true
        }
    }

    @Test func longRowsAreCutWhenAllowed() throws {
        #expect(try tokenize("a,b\n1,2,3\n", columns: 2, allowRagged: true) == [["a", "b"], ["1", "2"]])
    }

    @Test func unclosedQuoteAtEndOfInputFails() {
        #expect(throws: ConversionError.self) { _ = try tokenize("a,b\n1,\"open\n", columns: 2) }
    }

    @Test func textAfterClosingQuoteFails() {
        #expect(throws: ConversionError.self) { _ = try tokenize("a,b\n\"x\"y,2\n", columns: 2) }
    }

    @Test func otherDelimitersAndLoneCR() throws {
        #expect(try tokenize("a\tb\r1\t2\r", columns: 2, delimiter: 0x09) == [["a", "b"], ["1", "2"]])
        #expect(try tokenize("a;b\n1;\"2;3\"", columns: 2, delimiter: UInt8(ascii: ";")) == [["a", "b"], ["1", "2;3"]])
    }

    @Test func withoutQuotesEveryQuoteIsText() throws {
        let none = CSVDialect(delimiter: 0x09, quote: nil)
        let text = "a\tb\n\"quoted\" word\t5\" floppy\n\"\t'\n"
        #expect(try tokenize(text, columns: 2, dialect: none) == [["a", "b"], ["\"quoted\" word", "5\" floppy"], ["\"", "'"]])
        for step in [1, 3, 7] { #expect(try tokenize(text, columns: 2, step: step, dialect: none) == tokenize(text, columns: 2, dialect: none)) }
    }

    @Test func backslashEscapesQuotesAndItself() throws {
        let backslash = CSVDialect(quote: CSVDialect.doubleQuote, escape: CSVDialect.backslash)
        let text = "a,b\n\"say \\\"hi\\\"\",\"C:\\\\dir\\\\\"\n\"a\\nb\",\"x,y\"\n"
        let expected: [[String?]] = [["a", "b"], ["say \"hi\"", "C:\\dir\\"], ["a\\nb", "x,y"]]
        #expect(try tokenize(text, columns: 2, dialect: backslash) == expected)
        for step in [1, 2, 5] { #expect(try tokenize(text, columns: 2, step: step, dialect: backslash) == expected) }
    }

    @Test func singleQuotesDoubled() throws {
        let single = CSVDialect(quote: UInt8(ascii: "'"))
        #expect(try tokenize("a,b\n'it''s, ok',\"x\"\n", columns: 2, dialect: single) == [["a", "b"], ["it's, ok", "\"x\""]])
    }

    /// A quote error names the line and offers --quote none.
    @Test func quoteErrorsSuggestQuoteNone() {
        #expect {
            _ = try tokenize("a,b\n1,2\n\"x\" y,2\n", columns: 2)
        } throws: { error in
            let text = (error as? ConversionError)?.description ?? ""
            return text.contains("line 3") && text.contains("--quote none")
        }
    }

    @Test func trailingDelimiterMeansAnEmptyLastField() throws {
        #expect(try tokenize("a,b\n1,", columns: 2) == [["a", "b"], ["1", ""]])
    }
}
