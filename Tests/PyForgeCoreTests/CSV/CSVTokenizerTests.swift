@testable import PyForgeCore
import Testing

/// Tokenizes `text` fed in fragments of `step` bytes (the way a buffer fills), returning
/// each record's fields (nil for a missing field of a short row).
func tokenize(_ text: String, columns: Int, step: Int? = nil, delimiter: UInt8 = UInt8(ascii: ","), allowRagged: Bool = false) throws -> [[String?]] {
    let bytes = Array(text.utf8)
    var tokenizer = CSVTokenizer(path: "test.csv", dialect: CSVDialect(delimiter: delimiter), allowRagged: allowRagged)
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
                    var field = Array(bytes[Int(index.starts[slot])..<Int(index.ends[slot])])
                    if index.kinds[slot] == FieldIndex.Kind.quotedEscaped.rawValue {
                        var collapsed: [UInt8] = []
                        var k = 0
                        while k < field.count { collapsed.append(field[k]); k += field[k] == 0x22 ? 2 : 1 }
                        field = collapsed
                    }
                    return String(decoding: field, as: UTF8.self)
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

    @Test func trailingDelimiterMeansAnEmptyLastField() throws {
        #expect(try tokenize("a,b\n1,", columns: 2) == [["a", "b"], ["1", ""]])
    }
}
