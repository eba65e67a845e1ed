import TestSupport
import Foundation
import Testing

@testable import Delta
@testable import Pipeline

/// What an extension added to a Delta table, and undoing it (SPEC §16.1), on hand-written
/// logs: the data files need not exist for the log to say what was added.
@Suite struct OutputInspectorTests {
    /// The few log actions these tests need, written by hand (DeltaTests' DeltaLogTests has
    /// the full set; test targets cannot share code).
    enum Log {
        static let schema = #"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}"#
        static let protocolAction = #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#
        static let metadata = #"{"metaData":{"id":"t-1","format":{"provider":"parquet","options":{}},"schemaString":"\#(schema)","partitionColumns":[],"configuration":{},"createdTime":1700000000000}}"#

        static func add(_ path: String, records: Int? = nil) -> String {
            let stats = records.map { #","stats":"{\"numRecords\":\#($0)}""# } ?? ""
            return #"{"add":{"path":"\#(path)","partitionValues":{},"size":100,"modificationTime":1700000000000,"dataChange":true\#(stats)}}"#
        }

        /// A table directory whose log holds `commits` as versions 0, 1, ….
        static func table(_ commits: [[String]]) throws -> String {
            let root = try makeTemporaryDirectory().appendingPathComponent("table")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("_delta_log"), withIntermediateDirectories: true)
            for (version, lines) in commits.enumerated() {
                try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: DeltaLog.commitPath(root.path, Int64(version))))
            }
            return root.path
        }
    }

    @Test func theAdditionIsTheFilesTheNewVersionsMadeLive() throws {
        let table = try Log.table([
            [Log.protocolAction, Log.metadata, Log.add("a.parquet", records: 2)],
            [Log.add("b.parquet", records: 3), Log.add("c%20d.parquet", records: 4)],
        ])
        let added = try OutputInspector.deltaAddition(table, before: 0)
        #expect(added.latest == 1 && added.files == ["b.parquet", "c d.parquet"] && added.contents.rows == 7)
        #expect(added.contents.columns.map(\.name) == ["id"])
        // Nothing after the latest version: no addition.
        #expect(try OutputInspector.deltaAddition(table, before: 1).latest == 1)
        // A file without statistics makes the count unknown, not zero.
        let unknown = try Log.table([[Log.protocolAction, Log.metadata, Log.add("a.parquet")]])
        #expect(try OutputInspector.deltaAddition(unknown, before: nil).contents.rows == nil)
    }

    @Test func undoRemovesTheNewCommitsAndTheirFilesOnly() throws {
        let table = try Log.table([
            [Log.protocolAction, Log.metadata, Log.add("a.parquet", records: 2)],
            [Log.add("part=1/b.parquet", records: 3)],
        ])
        for name in ["a.parquet", "part=1/b.parquet"] {
            let url = URL(fileURLWithPath: table + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        OutputInspector.undoDelta(table, try OutputInspector.deltaAddition(table, before: 0))
        #expect(DeltaLog.versions(table) == [0])
        #expect(FileManager.default.fileExists(atPath: table + "/a.parquet"))
        #expect(!FileManager.default.fileExists(atPath: table + "/part=1"))  // emptied, removed
    }

    @Test func undoingATableTheExtensionCreatedRemovesIt() throws {
        let table = try Log.table([[Log.protocolAction, Log.metadata, Log.add("a.parquet", records: 2)]])
        try Data("x".utf8).write(to: URL(fileURLWithPath: table + "/a.parquet"))
        OutputInspector.undoDelta(table, try OutputInspector.deltaAddition(table, before: nil))
        #expect(!FileManager.default.fileExists(atPath: table))
    }
}
