import TestSupport
import Foundation
@testable import JSONFormat
import Testing
@testable import FormatKit

/// `ResourceLimits` as the JSON reader keeps them: columns, record size, batch cells.
@Suite struct JSONResourceLimitTests {
    private func ndjson(_ dir: URL, _ name: String, keys: Int) throws -> String {
        let text = (0..<keys).map { "{\"k\($0)\": \($0)}\n" }.joined()
        return try writeFile(dir, name, Array(text.utf8))
    }

    private func refusal(_ path: String, _ options: JSONOptions = JSONOptions()) -> String? {
        do {
            _ = try readAll(JSONSource(path: path, options: options))
            return nil
        } catch {
            return (error as? ConversionError)?.description
        }
    }

    @Test func recordsAddingKeysPastTheColumnLimitAreRefused() throws {
        let dir = try makeTemporaryDirectory()
        let path = try ndjson(dir, "keys.ndjson", keys: ResourceLimits.maxColumns + 10)
        let message = try #require(refusal(path))
        #expect(message.contains("record 16385") && message.contains("more than 16384 columns"))
    }

    @Test func oneRecordWithMoreKeysThanTheColumnLimitIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let keys = (0...ResourceLimits.maxColumns).map { "\"k\($0)\": 1" }.joined(separator: ", ")
        let path = try writeFile(dir, "one.json", Array("[{\(keys)}]".utf8))
        let message = try #require(refusal(path))
        #expect(message.contains("record 1") && message.contains("more than 16384 columns"))
    }

    @Test func wideRecordsAreReadInBatchesOfBoundedCells() throws {
        let dir = try makeTemporaryDirectory()
        let path = try ndjson(dir, "keys.ndjson", keys: 3_000)
        let (schema, batches, _) = try readAll(JSONSource(path: path, options: JSONOptions()))
        #expect(schema.fields.count == 3_000)
        #expect(batches.map(\.rowCount).reduce(0, +) == 3_000)
        #expect(batches.allSatisfy { $0.rowCount * 3_000 <= ResourceLimits.batchCells })
    }

    @Test func aRecordLongerThanMaxRecordBytesIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let text = "{\"id\": 1}\n{\"id\": 2, \"text\": \"" + String(repeating: "y", count: 3 << 20) + "\"}\n"
        let path = try writeFile(dir, "long.ndjson", Array(text.utf8))
        var options = JSONOptions()
        options.maxRecordBytes = 1 << 20
        let message = try #require(refusal(path, options))
        #expect(message.contains("longer than 1 MiB") && message.contains("--max-record-bytes"))
        #expect(refusal(path) == nil)
    }
}
