import TestSupport
import Columnar
import Foundation
@testable import XMLFormat
import Testing
@testable import FormatKit

/// Parses `xml` fed in chunks of `chunk` bytes; returns each column's name and texts.
private func collect(_ xml: String, chunk: Int, options: XMLOptions = XMLOptions(), tag: String = "item") throws -> [String: [String?]] {
    try collectXML(xml, chunk: chunk, selector: .tag(Array(tag.utf8CString)), options: options).columns
}

private func readAllXML(_ path: String, _ options: XMLOptions = XMLOptions()) throws -> (Schema, [RecordBatch], restarts: Int) {
    try readAll(XMLSource(path: path, options: options))
}

private let sample = """
    <?xml version="1.0" encoding="UTF-8"?>
    <list xmlns:n="urn:n">
      <item id="1" note="a &amp; b"><name>Ünï 日本</name><n:price cur="EUR">2.5</n:price>
        <tags><t>x</t><t>y</t></tags><d><![CDATA[<raw> & text]]></d></item>
      <item id="2"><name>plain</name><n:price cur="USD">3</n:price><tags><t>z</t></tags><d/></item>
    </list>
    """

@Suite struct XMLReaderTests {
    @Test func tinyChunksGiveTheSameRecords() throws {
        let whole = try collect(sample, chunk: 1 << 20)
        #expect(whole["@id"] == ["1", "2"])
        #expect(whole["@note"] == ["a & b", nil])
        #expect(whole["name"] == ["Ünï 日本", "plain"])
        #expect(whole["price"] == ["2.5", "3"])
        #expect(whole["price.@cur"] == ["EUR", "USD"])
        #expect(whole["tags.t"] == ["[\"x\",\"y\"]", "z"])
        #expect(whole["d"] == ["<raw> & text", nil])
        for chunk in [1, 2, 3, 7, 64] {
            #expect(try collect(sample, chunk: chunk) == whole, "chunk size \(chunk)")
        }
    }

    /// `<a.b>` and `<a><b>` both give the name "a.b": distinct columns, the second renamed.
    @Test func clashingNamesAreDistinctColumns() throws {
        let xml = "<list><item><a.b>1</a.b><a x=\"q\"><b>2</b></a><a.b_1>3</a.b_1></item></list>"
        for chunk in [1, 1 << 20] {
            let columns = try collect(xml, chunk: chunk)
            #expect(columns["a.b"] == ["1"])
            #expect(columns["a.b_1"] == ["2"])
            #expect(columns["a.b_1_1"] == ["3"])
            #expect(columns["a.@x"] == ["q"])
        }
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "t.xml", Array(xml.utf8))
        let (reader, _, _) = try XMLSource(path: path, options: XMLOptions()).scan()
        #expect(reader.warnings.contains { $0.contains("the path a > b is 'a.b_1' because 'a.b' is taken by the element <a.b>") })
    }

    @Test func namespaceAndArrayOptions() throws {
        let prefixed = try collect(sample, chunk: 5, options: XMLOptions(arrays: .concatenate, namespaces: .prefix))
        #expect(prefixed["n:price"] == ["2.5", "3"])
        #expect(prefixed["tags.t"] == ["x; y", "z"])
        let preserved = try collect(sample, chunk: 5, options: XMLOptions(namespaces: .preserve))
        #expect(preserved["{urn:n}price"] == ["2.5", "3"])
        let expanded = try collect(sample, chunk: 5, options: XMLOptions(arrays: .expand))
        #expect(expanded["tags.t"] == ["x", "y", "z"])
        #expect(expanded["@id"] == ["1", "1", "2"])
    }

    @Test func infersTypesAndWidensLateValuesWithOneRestart() throws {
        let dir = try makeTemporaryDirectory()
        var xml = "<r>"
        for i in 0..<70_000 {
            let v = i == 69_000 ? "oops" : String(i)
            let late = i >= 69_500 ? "<late>\(i)</late>" : ""
            xml += "<i n=\"\(i)\"><v>\(v)</v><d>2024-01-0\(1 + i % 9)</d>\(late)</i>"
        }
        xml += "</r>"
        let path = try writeFile(dir, "t.xml", Array(xml.utf8))
        let (schema, batches, restarts) = try readAllXML(path)
        #expect(restarts == 1)
        #expect(schema.fields.map(\.name) == ["@n", "v", "d", "late"])
        #expect(schema.fields.map(\.type) == [.int64, .string, .date32, .int64])
        #expect(batches.map(\.rowCount).reduce(0, +) == 70_000)
        let last = batches.last!
        guard case .bytes(let texts) = batches[1].columns[1].values else { Issue.record("v is not text"); return }
        #expect((0..<texts.count).contains { texts.string(at: $0) == "oops" })
        guard case .int64s(let late) = last.columns[3].values else { Issue.record("late is not int64"); return }
        #expect(late.last == 69_999)
    }

    @Test func entityDeclarationsAreRefused() throws {
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r><i>&e;</i></r>"
        #expect(throws: ConversionError.self) { try collect(xml, chunk: 3, tag: "i") }
        do {
            _ = try collect(xml, chunk: 1 << 16, tag: "i")
        } catch let error as ConversionError {
            #expect(error.description.contains("external entity"))
            #expect(!error.description.contains("root:"))
        }
    }

    @Test func malformedInputNamesTheLine() throws {
        do {
            _ = try collect("<r>\n<i>1</i>\n<i>2</x>\n</r>", chunk: 4, tag: "i")
            Issue.record("no error")
        } catch let error as ConversionError {
            #expect(error.description.contains("test.xml"))
            #expect(error.description.contains("line 3"))
        }
    }

    @Test func recordPathsAndWildcards() throws {
        #expect(XMLOptions.parseRecordPath("/a/b/c") == ["a", "b", "c"])
        #expect(XMLOptions.parseRecordPath("a//b") == ["a", "b"])
        #expect(XMLOptions.parseRecordPath("") == nil)
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "p.xml", Array("<a><b><c><v>1</v></c><c><v>2</v></c></b><x><c><v>9</v></c></x></a>".utf8))
        let (schema, batches, _) = try readAllXML(path, XMLOptions(recordPath: ["a", "b", "c"]))
        #expect(schema.fields.map(\.name) == ["v"])
        #expect(batches.first?.columns.first?.values == .int64s([1, 2]))
        let (_, all, _) = try readAllXML(path, XMLOptions(recordPath: ["a", "*", "c"]))
        #expect(all.first?.columns.first?.values == .int64s([1, 2, 9]))
    }
}
