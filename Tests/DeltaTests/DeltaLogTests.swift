import TestSupport
import Columnar
import Foundation
import Testing

@testable import Delta
@testable import FormatKit

/// Log replay on hand-written `_delta_log` commits, the way the Delta protocol describes
/// them (PROTOCOL.md, "Action Reconciliation"): the last add or remove of a path wins, the
/// last metaData and protocol win, and versions must be contiguous from 0.
@Suite struct DeltaLogTests {
    static let schema = #"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}"#
    static let protocolAction = #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#
    static let metadata = #"{"metaData":{"id":"t-1","format":{"provider":"parquet","options":{}},"schemaString":"\#(schema)","partitionColumns":[],"configuration":{"delta.appendOnly":"false"},"createdTime":1700000000000}}"#

    static func add(_ path: String, records: Int? = nil) -> String {
        let stats = records.map { #","stats":"{\"numRecords\":\#($0)}""# } ?? ""
        return #"{"add":{"path":"\#(path)","partitionValues":{},"size":100,"modificationTime":1700000000000,"dataChange":true\#(stats)}}"#
    }

    static func remove(_ path: String) -> String {
        #"{"remove":{"path":"\#(path)","deletionTimestamp":1700000005000,"dataChange":true,"size":100}}"#
    }

    static func commitInfo(_ operation: String, _ timestamp: Int) -> String {
        #"{"commitInfo":{"timestamp":\#(timestamp),"operation":"\#(operation)"}}"#
    }

    /// A table directory whose log holds `commits` as versions 0, 1, … (or as `versions`).
    static func table(_ commits: [[String]], versions: [Int64]? = nil, separator: String = "\n") throws -> String {
        let root = try makeTemporaryDirectory().appendingPathComponent("table")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("_delta_log"), withIntermediateDirectories: true)
        for (index, lines) in commits.enumerated() {
            let version = versions?[index] ?? Int64(index)
            try Data(lines.joined(separator: separator).utf8).write(to: URL(fileURLWithPath: DeltaLog.commitPath(root.path, version)))
        }
        return root.path
    }

    @Test func addsAndRemovesReconcileByPath() throws {
        let table = try Self.table([
            [Self.commitInfo("WRITE", 1), Self.protocolAction, Self.metadata, Self.add("a.parquet", records: 3), Self.add("b.parquet")],
            [Self.commitInfo("DELETE", 2), Self.remove("a.parquet"), Self.add("c.parquet", records: 5)],
            [Self.commitInfo("WRITE", 3), Self.add("a.parquet", records: 7)],
        ])
        let latest = try DeltaLog.snapshot(table)
        #expect(latest.version == 2)
        #expect(Set(latest.files.keys) == ["a.parquet", "b.parquet", "c.parquet"])
        #expect(latest.files["a.parquet"]?.records == 7)  // the re-added file, not the removed one
        #expect(latest.files["b.parquet"]?.records == nil)
        #expect(latest.tombstones.isEmpty)  // re-adding a path cancels its tombstone
        #expect(latest.history.map(\.operation) == ["WRITE", "DELETE", "WRITE"])
        #expect(latest.history.map(\.timestamp) == [1, 2, 3])

        let middle = try DeltaLog.snapshot(table, at: 1)
        #expect(middle.version == 1)
        #expect(Set(middle.files.keys) == ["b.parquet", "c.parquet"])
        #expect(middle.tombstones["a.parquet"]?.deletionTimestamp == 1_700_000_005_000)
        #expect(middle.history.count == 2)
    }

    @Test func protocolMetadataAndSchema() throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata]])
        let snapshot = try DeltaLog.snapshot(table)
        #expect(snapshot.minReaderVersion == 1 && snapshot.minWriterVersion == 2)
        #expect(snapshot.tableID == "t-1")
        #expect(snapshot.configuration == ["delta.appendOnly": "false"])
        #expect(snapshot.createdTime == 1_700_000_000_000)
        #expect(snapshot.schema.fields.map(\.name) == ["id"])
        #expect(snapshot.files.isEmpty)
    }

    @Test func laterMetadataReplacesEarlier() throws {
        let renamed = Self.metadata.replacingOccurrences(of: #"\"name\":\"id\""#, with: #"\"name\":\"key\""#)
        let table = try Self.table([[Self.protocolAction, Self.metadata], [renamed]])
        #expect(try DeltaLog.snapshot(table).schema.fields.map(\.name) == ["key"])
        #expect(try DeltaLog.snapshot(table, at: 0).schema.fields.map(\.name) == ["id"])
    }

    /// Lines may end in CRLF and blank lines may stand between actions.
    @Test func crlfAndBlankLinesAreTolerated() throws {
        let table = try Self.table([[Self.protocolAction, "", Self.metadata, "  ", Self.add("x.parquet")]], separator: "\r\n")
        #expect(try DeltaLog.snapshot(table).files.keys.sorted() == ["x.parquet"])
    }

    @Test func aMissingCommitIsAnError() throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata], [Self.add("a")], [Self.add("b")]], versions: [0, 1, 3])
        #expect {
            try DeltaLog.snapshot(table)
        } throws: { error in
            "\(error)".contains("commit 2 is missing")
        }
    }

    @Test func aLogThatDoesNotStartAtZeroIsAnError() throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata]], versions: [4])
        #expect {
            try DeltaLog.snapshot(table)
        } throws: { error in
            "\(error)".contains("starts at version 4")
        }
    }

    @Test func aLogWithoutMetadataIsAnError() throws {
        let table = try Self.table([[Self.protocolAction, Self.add("a")]])
        #expect {
            try DeltaLog.snapshot(table)
        } throws: { error in
            "\(error)".contains("no commit holds the table's metadata")
        }
    }

    /// An empty commit file (the delta-log fuzz target's first finding: it leaked the read
    /// buffer) reads as a commit without actions.
    @Test func anEmptyCommitHoldsNoActions() throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata, Self.add("a")], []])
        let snapshot = try DeltaLog.snapshot(table)
        #expect(snapshot.version == 1 && snapshot.files.count == 1)
        let empty = try Self.table([[]])
        #expect {
            try DeltaLog.snapshot(empty)
        } throws: { error in
            "\(error)".contains("no commit holds the table's metadata")
        }
    }

    @Test func aBrokenActionNamesItsLine() throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata, #"{"add":{"path":"a""#]])
        #expect {
            try DeltaLog.snapshot(table)
        } throws: { error in
            guard case .malformedInput(let path, let location, _, _) = error as? ConversionError else { return false }
            return path.hasSuffix("00000000000000000000.json") && location == "line 3"
        }
    }

    /// Asking for a version the log does not have must not quietly answer with another one.
    @Test(arguments: [Int64(2), 7, -1])
    func aVersionOutsideTheLogIsAnError(version: Int64) throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata], [Self.add("a")]])
        #expect {
            try DeltaLog.snapshot(table, at: version)
        } throws: { error in
            "\(error)".contains("version \(version)")
        }
    }

    /// Only `<20 digits>.json` names are commits: checkpoints, checksums and
    /// `_last_checkpoint` are not.
    @Test func versionsListOnlyCommitFiles() throws {
        let table = try Self.table([[Self.protocolAction, Self.metadata], [Self.add("a")]])
        let log = table + "/_delta_log/"
        for name in ["00000000000000000001.checkpoint.parquet", "00000000000000000001.crc", "_last_checkpoint", "0000000000000000002.json", "x0000000000000000002.json"] {
            _ = FileManager.default.createFile(atPath: log + name, contents: Data("{}".utf8))
        }
        #expect(DeltaLog.versions(table) == [0, 1])
        #expect(DeltaLog.paddedVersion(12) == "00000000000000000012")
    }

    @Test func aDirectoryWithoutCommitsIsNotADeltaTable() throws {
        let root = try makeTemporaryDirectory().path
        #expect(!DeltaLog.exists(root))
        #expect {
            try DeltaLog.snapshot(root)
        } throws: { error in
            "\(error)".contains("not a Delta table")
        }
    }
}
