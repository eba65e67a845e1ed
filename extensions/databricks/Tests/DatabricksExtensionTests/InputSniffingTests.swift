import Testing

@testable import DatabricksExtension

@Suite struct InputSniffingTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func delimiterIsTheConsistentCandidate() {
        #expect(InputSniffing.delimiter(bytes("a;b;c\n1;2;3\n4;5;6\n"), path: "x.csv") == UInt8(ascii: ";"))
        #expect(InputSniffing.delimiter(bytes("a|b\n1|2\n"), path: "x.csv") == UInt8(ascii: "|"))
        #expect(InputSniffing.delimiter(bytes("a,b\n1,2\n"), path: "x.tsv") == UInt8(ascii: "\t"))
        // Commas inside text on some lines do not beat a consistent tab.
        #expect(InputSniffing.delimiter(bytes("a\tb\nx, y\t2\nz\t3\n"), path: "x.txt") == UInt8(ascii: "\t"))
    }

    @Test func quotedNewlinesTurnOnMultiLine() {
        #expect(InputSniffing.csvOptions(bytes("a,b\n1,\"two\nlines\"\n"), path: "x.csv")["multiLine"] == "true")
        #expect(InputSniffing.csvOptions(bytes("a,b\n1,\"no newline\"\n"), path: "x.csv")["multiLine"] == nil)
        #expect(InputSniffing.csvOptions(bytes("a,b\n"), path: "x.csv")["escape"] == "\"")
    }

    @Test func jsonArraysNeedMultiLine() {
        #expect(InputSniffing.jsonOptions(bytes("\u{FEFF}  [ {\"a\": 1} ]")) == ["multiLine": "true"])
        #expect(InputSniffing.jsonOptions(bytes("{\"a\": 1}\n{\"a\": 2}\n")) == [:])
    }

    @Test func rowTagIsTheRootsFirstChild() {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE catalog>
            <!-- books -->
            <catalog xmlns="urn:x"><book id="1"><title>A</title></book><book id="2"/></catalog>
            """
        #expect(InputSniffing.xmlRowTag(bytes(xml)) == "book")
        #expect(InputSniffing.xmlRowTag(bytes("<rows><row/><row/></rows>")) == "row")
        #expect(InputSniffing.xmlRowTag(bytes("<empty/>")) == nil)
    }
}
