import Testing

@testable import DatabricksExtension

@Suite struct InputSniffingTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func csv(_ text: String, path: String = "x.csv") -> [String: String] {
        InputSniffing.csvOptions(bytes(text), path: path)
    }

    /// The dialect is the core CSV reader's (CSVFormat's sniffer), spelled as Spark's options.
    @Test func delimiterIsTheCoreSniffersChoice() {
        #expect(csv("a;b;c\n1;2;3\n4;5;6\n")["sep"] == ";")
        #expect(csv("a|b\nx|y\n")["sep"] == "|")
        #expect(csv("a,b\nx,y\n", path: "x.tsv")["sep"] == "\t")
        // Commas inside text on some lines do not beat a consistent tab.
        #expect(csv("a\tb\nx, y\t2\nz\t3\n", path: "x.txt")["sep"] == "\t")
        // Excel's `sep=` line declares it.
        #expect(csv("sep=;\na,b;c\n1,5;2\n")["sep"] == ";")
    }

    @Test func quotingFollowsTheSample() {
        let rfc = csv("a,b\n1,\"x, y\"\n")
        #expect(rfc["quote"] == "\"" && rfc["escape"] == "\"")
        // Quotes that are text in a file that never quotes: Spark reads them as characters.
        var text = "id\tname\n"
        for i in 0..<20 { text += "\(i)\t\(i % 2 == 0 ? "5\" floppy" : "\"quoted\" word")\n" }
        #expect(csv(text)["quote"] == "")
        #expect(csv(text)["escape"] == nil)
    }

    @Test func headerIsDetectedNotAssumed() {
        #expect(csv("name,age\nann,30\nbob,41\n")["header"] == "true")
        #expect(csv("1,2024-01-01\n2,2024-01-02\n3,2024-01-03\n")["header"] == "false")
    }

    @Test func quotedNewlinesTurnOnMultiLine() {
        #expect(csv("a,b\n1,\"two\nlines\"\n")["multiLine"] == "true")
        #expect(csv("a,b\n1,\"no newline\"\n")["multiLine"] == nil)
        // A quote that is text (no quoting) spans nothing.
        #expect(csv("a\tb\n5\" x\tq\n\"y\" z\tr\n")["multiLine"] == nil)
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
