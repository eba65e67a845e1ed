import Foundation
import Testing

@testable import PyForgeCore

/// What an extension added to a Delta table, and undoing it (SPEC §16.1), on hand-written
/// logs: the data files need not exist for the log to say what was added.
@Suite struct OutputInspectorTests {
    typealias Log = DeltaLogTests

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
