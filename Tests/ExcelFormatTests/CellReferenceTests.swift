@testable import ExcelFormat
import Testing

@Suite struct CellReferenceTests {
    @Test(arguments: [
        ("A1", 0, 1), ("C7", 2, 7), ("Z10", 25, 10), ("AA1", 26, 1), ("AZ3", 51, 3), ("BA3", 52, 3),
        ("XFD1048576", 16_383, 1_048_576), ("$B$2", 1, 2), ("b2", 1, 2), ("D", 3, 0),
    ])
    func parses(text: String, column: Int, row: Int) {
        let parsed = CellReference.parse(text)
        #expect(parsed?.column == column && parsed?.row == row, "\(text) → \(String(describing: parsed))")
    }

    @Test(arguments: ["", "1", "A1B", "A-1", "XFE1", "A1048577", "A 1", "ÄB1"])
    func rejects(text: String) {
        #expect(CellReference.parse(text) == nil, "\(text)")
    }

    @Test func columnNames() {
        #expect(CellReference.columnName(0) == "A")
        #expect(CellReference.columnName(25) == "Z")
        #expect(CellReference.columnName(26) == "AA")
        #expect(CellReference.columnName(16_383) == "XFD")
        for index in [0, 1, 25, 26, 27, 701, 702, 16_383] {
            #expect(CellReference.parse(CellReference.columnName(index) + "1")?.column == index)
        }
    }

    @Test func attributeReferencesAreDecoded() {
        #expect(ExcelXMLName.decodeReferences("a &#38; b &lt;c&gt; &quot;d&quot; &#x263A; &bogus; &") == "a & b <c> \"d\" ☺ &bogus; &")
    }
}
