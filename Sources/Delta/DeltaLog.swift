import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Columnar
import FormatKit

/// A data file the table holds at a version.
public struct DeltaFile: Sendable {
    public internal(set) var path: String
    var size: Int64
    var partitionValues: [String: String?]
    public internal(set) var records: Int64?
    var stats: String?
    var modificationTime: Int64
}

/// The reconciled state of a Delta table at one version, from its JSON commits.
public struct DeltaSnapshot: Sendable {
    var version: Int64
    var minReaderVersion: Int
    var minWriterVersion: Int
    var readerFeatures: [String]?
    var writerFeatures: [String]?
    var tableID: String
    var schemaString: String
    public internal(set) var schema: Schema
    var partitionColumns: [String]
    var configuration: [String: String]
    var createdTime: Int64?
    /// Live files by path.
    public internal(set) var files: [String: DeltaFile]
    /// Files removed and when (ms), kept as tombstones in checkpoints.
    var tombstones: [String: (deletionTimestamp: Int64, size: Int64?, partitionValues: [String: String?])]
    var history: [CommitSummary]

    struct CommitSummary: Sendable {
        var version: Int64
        var timestamp: Int64?
        var operation: String?
    }
}

/// Reads `_delta_log`: versions, commits and the snapshot they add up to.
public enum DeltaLog {
    public static func logDirectory(_ table: String) -> String { table + "/_delta_log" }

    static func commitPath(_ table: String, _ version: Int64) -> String {
        logDirectory(table) + "/" + paddedVersion(version) + ".json"
    }

    static func paddedVersion(_ version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// Versions of the JSON commits present, ascending.
    public static func versions(_ table: String) -> [Int64] {
        directoryEntries(logDirectory(table)).compactMap { name in
            name.count == 25 && name.hasSuffix(".json") ? Int64(name.prefix(20)) : nil
        }.sorted()
    }

    public static func exists(_ table: String) -> Bool {
        !versions(table).isEmpty
    }

    // The fields of each action that pyforge needs; anything else is ignored.
    private struct Line: Decodable {
        var `protocol`: ProtocolAction?
        var metaData: MetadataAction?
        var add: AddAction?
        var remove: RemoveAction?
        var commitInfo: CommitInfoAction?
    }

    struct ProtocolAction: Decodable {
        var minReaderVersion: Int
        var minWriterVersion: Int
        var readerFeatures: [String]?
        var writerFeatures: [String]?
    }

    struct MetadataAction: Decodable {
        var id: String
        var schemaString: String
        var partitionColumns: [String]
        var configuration: [String: String]?
        var createdTime: Int64?
    }

    struct AddAction: Decodable {
        var path: String
        var size: Int64
        var partitionValues: [String: String?]
        var stats: String?
        var modificationTime: Int64?
    }

    struct RemoveAction: Decodable {
        var path: String
        var deletionTimestamp: Int64?
        var size: Int64?
        var partitionValues: [String: String?]?
    }

    struct CommitInfoAction: Decodable {
        var timestamp: Int64?
        var operation: String?
    }

    private struct RecordCount: Decodable {
        var numRecords: Int64?
    }

    /// One commit file whole, within the memory budget's share for a value. (Not through
    /// FileManager.contents(atPath:), which leaks a 4 KiB buffer on an empty file: found by
    /// the delta-log fuzz target.)
    private static func commitBytes(_ path: String) throws(ConversionError) -> [UInt8] {
        let file = try InputFile(path: path)
        let budget = MemoryBudget.current
        guard file.size <= Int64(budget.valueBytes) else {
            throw budget.exceeded(path: path, location: "its size", what: "the Delta commit", limit: budget.valueBytes)
        }
        return try file.bytes(at: 0, count: Int(file.size))
    }

    /// The table's state at `version` (default: the latest).
    public static func snapshot(_ table: String, at version: Int64? = nil) throws(ConversionError) -> DeltaSnapshot {
        let all = versions(table)
        guard let latest = all.last else {
            throw .unreadableInput(path: table, reason: "it is not a Delta table (no _delta_log/*.json commits)")
        }
        let target = version ?? latest
        // A version the log does not reach must not quietly become the latest one.
        guard (0...latest).contains(target) else {
            throw .unreadableInput(path: table, reason: "it has no version \(target) (its log ends at version \(latest))")
        }
        guard all.first == 0 else {
            throw .unreadableInput(path: table, reason: "its log starts at version \(all.first!) (older commits were cleaned up after a checkpoint); pyforge needs every JSON commit to write to it")
        }
        var snapshot = DeltaSnapshot(
            version: -1, minReaderVersion: 1, minWriterVersion: 2, tableID: "", schemaString: "", schema: Schema([]),
            partitionColumns: [], configuration: [:], files: [:], tombstones: [:], history: [])
        var sawMetadata = false
        for v in all where v <= target {
            guard v == snapshot.version + 1 else {
                throw .malformedInput(path: table, location: "_delta_log", reason: "commit \(snapshot.version + 1) is missing", fix: "restore the missing commit file")
            }
            let path = commitPath(table, v)
            let data = try commitBytes(path)
            var summary = DeltaSnapshot.CommitSummary(version: v)
            for (number, line) in data.split(separator: 0x0A).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                let action: Line
                do {
                    action = try JSONDecoder().decode(Line.self, from: Data(line))
                } catch {
                    throw .malformedInput(path: path, location: "line \(number + 1)", reason: "it is not a valid Delta action", fix: "repair or remove the commit")
                }
                if let p = action.protocol {
                    snapshot.minReaderVersion = p.minReaderVersion
                    snapshot.minWriterVersion = p.minWriterVersion
                    snapshot.readerFeatures = p.readerFeatures
                    snapshot.writerFeatures = p.writerFeatures
                }
                if let m = action.metaData {
                    snapshot.tableID = m.id
                    snapshot.schemaString = m.schemaString
                    snapshot.schema = try DeltaSchema.decode(m.schemaString, table: table)
                    snapshot.partitionColumns = m.partitionColumns
                    snapshot.configuration = m.configuration ?? [:]
                    snapshot.createdTime = m.createdTime
                    sawMetadata = true
                }
                if let add = action.add {
                    let records = add.stats.flatMap { try? JSONDecoder().decode(RecordCount.self, from: Data($0.utf8)) }?.numRecords
                    snapshot.files[add.path] = DeltaFile(
                        path: add.path, size: add.size, partitionValues: add.partitionValues, records: records,
                        stats: add.stats, modificationTime: add.modificationTime ?? 0)
                    snapshot.tombstones[add.path] = nil
                }
                if let remove = action.remove {
                    snapshot.files[remove.path] = nil
                    snapshot.tombstones[remove.path] = (remove.deletionTimestamp ?? 0, remove.size, remove.partitionValues ?? [:])
                }
                if let info = action.commitInfo {
                    summary.timestamp = info.timestamp
                    summary.operation = info.operation
                }
            }
            snapshot.history.append(summary)
            snapshot.version = v
        }
        guard sawMetadata else {
            throw .malformedInput(path: table, location: "_delta_log", reason: "no commit holds the table's metadata", fix: "check that the directory holds a Delta table")
        }
        return snapshot
    }
}
