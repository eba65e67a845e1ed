import TestSupport
import Foundation
@testable import XMLFormat
import Testing
@testable import FormatKit

/// Element nesting beyond `ResourceLimits.maxXMLDepth` is refused by the push parser, and
/// fields beyond `ResourceLimits.maxColumns` by the record builder.
@Suite struct XMLDepthLimitTests {
    @Test func aRecordWithMoreFieldsThanTheColumnLimitIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let fields = (0...ResourceLimits.maxColumns).map { "<f\($0)>1</f\($0)>" }.joined()
        let path = try writeFile(dir, "wide.xml", Array("<rows><row>\(fields)</row><row><f0>2</f0></row></rows>".utf8))
        #expect {
            _ = try readAll(XMLSource(path: path, options: XMLOptions()))
        } throws: { error in
            (error as? ConversionError)?.description.contains("more than 16384 columns") == true
        }
    }

    private func nested(_ dir: URL, depth: Int) throws -> String {
        let row = "<row>" + String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth) + "</row>"
        let text = "<rows>" + row + row + "</rows>"
        return try writeFile(dir, "deep\(depth).xml", Array(text.utf8))
    }

    @Test func nestingPastTheLimitIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let path = try nested(dir, depth: 10_000)
        #expect {
            _ = try readAll(XMLSource(path: path, options: XMLOptions()))
        } throws: { error in
            let message = (error as? ConversionError)?.description ?? ""
            return message.contains("'\(path)' is malformed at line 1") && message.contains("nested more than 256 deep")
        }
    }

    @Test func nestingAtTheLimitIsReadWithTheFullDottedName() throws {
        let dir = try makeTemporaryDirectory()
        // rows and row are two levels: 254 more reach the limit exactly.
        let path = try nested(dir, depth: ResourceLimits.maxXMLDepth - 2)
        let (schema, batches, _) = try readAll(XMLSource(path: path, options: XMLOptions()))
        #expect(schema.fields.count == 1)
        #expect(schema.fields[0].name == Array(repeating: "a", count: ResourceLimits.maxXMLDepth - 2).joined(separator: "."))
        #expect(batches.map(\.rowCount).reduce(0, +) == 2)
    }
}
