@testable import XMLFormat
import Testing

private let feed = """
    <feed><title>t</title>
      <entry id="1"><v>1</v></entry><entry_3 id="2"><c>x</c></entry_3><entry id="3"><v>3</v></entry>
      <entry_3 id="4"><c>y</c></entry_3><link/><link/><entry id="5"/>
      <meta><a/><a/></meta>
    </feed>
    """

@Suite struct XMLSiblingTallyTests {
    @Test func countsElementsRepeatedBesideRecordsButNotInsideThem() throws {
        let path = ["feed", "entry"].map { Array($0.utf8CString) }
        let (builder, columns) = try collectXML(feed, chunk: 3, selector: .path(path))
        #expect(columns["@id"] == ["1", "3", "5"])
        #expect(builder.siblings.skipped == ["title": 1, "entry_3": 2, "link": 2, "meta": 1])
        #expect(builder.siblings.recordNames == ["entry"])
        let warning = try #require(XMLSkippedKinds.warning(path: "in/feed.xml", tally: builder.siblings))
        #expect(warning.contains("2 <entry_3>, 2 <link>"))
        #expect(!warning.contains("<title>") && !warning.contains("<meta>"))
        #expect(warning.contains("pyforge convert in/feed.xml in/feed_entry_3.parquet --row-tag entry_3"))
        #expect(warning.contains("--row-tag entry,entry_3,link"))
    }

    @Test func severalRecordNamesGiveOneTableWithTheirKind() throws {
        let tags = ["entry", "entry_3"].map { Array($0.utf8CString) }
        let (builder, columns) = try collectXML(feed, chunk: 4, selector: .tags(tags))
        #expect(columns[XMLRecordBuilder.recordKindColumn] == ["entry", "entry_3", "entry", "entry_3", "entry"])
        #expect(columns["@id"] == ["1", "2", "3", "4", "5"])
        #expect(columns["c"] == [nil, "x", nil, "y", nil])
        #expect(builder.columns.first?.name == XMLRecordBuilder.recordKindColumn)
        #expect(XMLSkippedKinds.warning(path: "feed.xml", tally: builder.siblings)?.contains("2 <link>") == true)
    }

    @Test func attributeOnlyRecordsHaveNoTextColumn() throws {
        let tag = XMLRecordBuilder.Selector.tag(Array("item".utf8CString))
        let (_, only) = try collectXML(#"<r><item id="1" name="x"/><item id="2"></item></r>"#, chunk: 2, selector: tag)
        #expect(only == ["@id": ["1", "2"], "@name": ["x", nil]])
        let (_, text) = try collectXML(#"<r><item id="1">a</item><item id="2"/><item>c</item><item/></r>"#, chunk: 2, selector: tag)
        #expect(text == ["@id": ["1", "2", nil, nil], "item": ["a", nil, "c", nil]])
    }

    @Test func elementsHoldingRecordsAreNotSkipped() throws {
        let xml = "<r><item/><item/><box><item/></box><box><item/></box><box/><box/><box><note/></box></r>"
        let (builder, _) = try collectXML(xml, chunk: 5, selector: .tag(Array("item".utf8CString)))
        #expect(builder.siblings.skipped == ["box": 3])
    }

    @Test func manyDistinctNamesAreCountedWithinABound() throws {
        var xml = "<r><i/><i/>"
        for k in 0..<(XMLSiblingTally.maxKinds + 10) { xml += "<k\(k)/><k\(k)/>" }
        xml += "</r>"
        let (builder, _) = try collectXML(xml, chunk: 64, selector: .path(["r", "i"].map { Array($0.utf8CString) }))
        #expect(builder.siblings.skipped.count == XMLSiblingTally.maxKinds)
        #expect(builder.siblings.otherKinds == 20)
        let warning = try #require(XMLSkippedKinds.warning(path: "r.xml", tally: builder.siblings))
        #expect(warning.contains("more kinds") && warning.contains("20 elements of yet other names"))
    }

    @Test func suggestedCommandsAreShellWords() {
        #expect(XMLSkippedKinds.outputStem("a/b/data.xml.gz") == "a/b/data")
        #expect(XMLSkippedKinds.outputStem("data.XML") == "data")
        #expect(XMLSkippedKinds.outputStem(".xml") == ".xml")
        #expect(XMLSkippedKinds.shellWord("my file's.xml") == #"'my file'\''s.xml'"#)
        #expect(XMLSkippedKinds.shellWord("a/b-c_d.xml") == "a/b-c_d.xml")
    }
}
