import TestSupport
import Columnar
import Foundation
@testable import JSONFormat
import Testing

@Suite struct JSONRecordParserTests {
    private func int64s(_ column: Column) -> [Int64?] {
        guard case .int64s(let v) = column.values else { return [] }
        return (0..<v.count).map { column.isNull($0) ? nil : v[$0] }
    }

    /// The key "a.b" and the nested keys a → b flatten to the same name: two columns, never one value dropped.
    @Test func dottedKeyAndNestedKeysAreDistinctColumns() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "t.ndjson", Array("{\"a.b\":1,\"a\":{\"b\":2}}\n{\"a\":{\"b\":4},\"a.b\":3}\n".utf8))
        let (schema, batches, restarts) = try readAll(JSONSource(path: path, options: JSONOptions()))
        #expect(restarts == 0)
        #expect(schema.fields.map(\.name) == ["a.b", "a.b_1"])
        #expect(int64s(batches[0].columns[0]) == [1, 3])
        #expect(int64s(batches[0].columns[1]) == [2, 4])
        let (reader, _, _) = try JSONSource(path: path, options: JSONOptions()).scan()
        #expect(reader.warnings.contains { $0.contains("the nested keys \"a\" > \"b\" is 'a.b_1' because 'a.b' is taken by the key \"a.b\"") })
    }

    /// A clash that first appears late: the re-read with the widened schema makes the same rename.
    @Test func lateClashSurvivesTheReRead() throws {
        let dir = try makeTemporaryDirectory()
        var text = ""
        for i in 0..<70_000 { text += "{\"a.b\":\(i)}\n" }
        text += "{\"a\":{\"b\":-1},\"a.b\":-2}\n"
        let path = try writeFile(dir, "late.ndjson", Array(text.utf8))
        let (schema, batches, restarts) = try readAll(JSONSource(path: path, options: JSONOptions()))
        #expect(restarts == 1)
        #expect(schema.fields.map(\.name) == ["a.b", "a.b_1"])
        #expect(int64s(batches.last!.columns[0]).last == -2)
        #expect(int64s(batches.last!.columns[1]).last == -1)
        #expect(batches.map(\.rowCount).reduce(0, +) == 70_001)
    }

    /// A key held twice in one record keeps the last value (as JSON parsers do), with a warning.
    @Test func repeatedKeysAreReportedOncePerRecord() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "t.ndjson", Array("{\"k\":1}\n{\"k\":2,\"k\":3}\n{\"a\":{\"b\":1},\"a\":{\"b\":4}}\n".utf8))
        let (reader, rows, _) = try JSONSource(path: path, options: JSONOptions()).scan()
        #expect(rows == 3)
        #expect(reader.warnings.contains { $0.contains("2 record(s)") && $0.contains("near line 2 with key 'k'") })
        let (_, batches, _) = try readAll(JSONSource(path: path, options: JSONOptions()))
        #expect(int64s(batches[0].columns[0]) == [1, 3, nil])
        #expect(int64s(batches[0].columns[1]) == [nil, nil, 4])
    }
}
