#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Columnar

/// How `--format delta` treats an existing table.
public enum DeltaWriteMode: String, Sendable, CaseIterable, Codable {
    /// Refuse to write when the table exists.
    case error
    /// A new version that removes every current file and adds the new ones.
    case overwrite
    /// A new version that adds files; the schema must match (or `mergeSchema`).
    case append
}

public struct DeltaOptions: Sendable {
    public var mode: DeltaWriteMode
    public var mergeSchema: Bool
    public var partitionBy: [String]

    public init(mode: DeltaWriteMode = .error, mergeSchema: Bool = false, partitionBy: [String] = []) {
        self.mode = mode
        self.mergeSchema = mergeSchema
        self.partitionBy = partitionBy
    }
}

/// Writes the next `_delta_log` commit with put-if-absent semantics: the commit file
/// is created by `link(2)`, which fails if another writer took the version first. The
/// loser re-reads the log, checks that the other commits do not conflict with its own,
/// and retries at the next version.
enum DeltaCommitter {
    static let maxAttempts = 200

    struct Plan {
        var table: String
        var mode: DeltaWriteMode
        var schema: Schema
        var partitionColumns: [String]
        var files: [WrittenDataFile]
        /// The snapshot the write was planned against (nil for a new table).
        var readSnapshot: DeltaSnapshot?
        /// The exact schema text to commit (an append keeps the table's own text, with any
        /// merged columns added); nil to encode `schema`.
        var schemaString: String?
    }

    static func commit(_ plan: Plan) throws(ConversionError) -> Int64 {
        var snapshot = plan.readSnapshot
        for _ in 0..<maxAttempts {
            // Taken per attempt, so a commit that lost a race is not older than the one before it.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let version = (snapshot?.version ?? -1) + 1
            let text = actions(plan, snapshot: snapshot, version: version, now: now).joined(separator: "\n") + "\n"
            if try putIfAbsent(text, at: DeltaLog.commitPath(plan.table, version), table: plan.table) {
                return version
            }
            // Lost the race for this version: see what was committed meanwhile.
            let current = try DeltaLog.snapshot(plan.table)
            try checkConflicts(plan, planned: snapshot, current: current)
            snapshot = current
        }
        throw .outputFailed(path: plan.table, reason: "other writers kept committing first (\(maxAttempts) attempts)")
    }

    private static func checkConflicts(_ plan: Plan, planned: DeltaSnapshot?, current: DeltaSnapshot) throws(ConversionError) {
        guard let planned else {
            // Someone created the table first: an append joins it if the schemas agree.
            guard plan.mode == .append, current.schema == plan.schema, current.partitionColumns == plan.partitionColumns else {
                throw .outputExists(path: plan.table)
            }
            return
        }
        if current.schemaString != planned.schemaString || current.partitionColumns != planned.partitionColumns
            || current.tableID != planned.tableID
        {
            throw .outputFailed(path: plan.table, reason: "another writer changed the table's schema or partitioning while this write ran; run the conversion again")
        }
        if plan.mode == .overwrite && Set(current.files.keys) != Set(planned.files.keys) {
            throw .outputFailed(path: plan.table, reason: "another writer added or removed files while this overwrite ran; run the conversion again")
        }
    }

    /// Creates `path` holding `text` only if it does not exist yet.
    private static func putIfAbsent(_ text: String, at path: String, table: String) throws(ConversionError) -> Bool {
        if mkdir(DeltaLog.logDirectory(table), 0o755) != 0 && errno != EEXIST {
            throw .io(operation: "create the log directory", path: DeltaLog.logDirectory(table), reason: systemMessage(errno))
        }
        let temporary = DeltaLog.logDirectory(table) + "/." + UUID().uuidString.lowercased() + ".json.tmp"
        try writeDurably(text, to: temporary)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 {
            syncDirectory(DeltaLog.logDirectory(table))
            return true
        }
        if errno == EEXIST { return false }
        throw .io(operation: "commit to", path: path, reason: systemMessage(errno))
    }

    static func writeDurably(_ text: String, to path: String) throws(ConversionError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(operation: "create", path: path, reason: systemMessage(errno)) }
        defer { close(fd) }
        do {
            try writeAll(fd, text, path: path)
        } catch {
            unlink(path)
            throw error
        }
        guard fsync(fd) == 0 else {
            let reason = systemMessage(errno)
            unlink(path)
            throw .io(operation: "flush", path: path, reason: reason)
        }
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// The actions of the commit, one JSON object per line.
    static func actions(_ plan: Plan, snapshot: DeltaSnapshot?, version: Int64, now: Int64) -> [String] {
        var lines: [String] = []
        let schemaString = plan.schemaString ?? DeltaSchema.encode(plan.schema)
        if version == 0 || snapshot == nil {
            lines.append(JSONText.object([("protocol", JSONText.object([("minReaderVersion", "1"), ("minWriterVersion", "2")]))]))
        }
        if snapshot == nil || snapshot!.schemaString != schemaString || snapshot!.partitionColumns != plan.partitionColumns {
            lines.append(metadataLine(
                id: snapshot?.tableID ?? UUID().uuidString.lowercased(), schemaString: schemaString,
                partitionColumns: plan.partitionColumns, configuration: snapshot?.configuration ?? [:],
                createdTime: snapshot?.createdTime ?? now))
        }
        if plan.mode == .overwrite, let snapshot {
            for file in snapshot.files.values.sorted(by: { $0.path < $1.path }) {
                lines.append(JSONText.object([("remove", JSONText.object([
                    ("path", JSONText.quoted(file.path)), ("deletionTimestamp", String(now)), ("dataChange", "true"),
                    ("extendedFileMetadata", "true"), ("partitionValues", JSONText.stringMap(file.partitionValues)),
                    ("size", String(file.size)),
                ]))]))
            }
        }
        for file in plan.files {
            lines.append(JSONText.object([("add", JSONText.object([
                ("path", JSONText.quoted(DeltaPaths.uriEncode(file.relativePath))),
                ("partitionValues", JSONText.stringMap(file.partitionValues)), ("size", String(file.size)),
                ("modificationTime", String(now)), ("dataChange", "true"), ("stats", JSONText.quoted(file.stats)),
            ]))]))
        }
        let operationMode = snapshot == nil ? "ErrorIfExists" : (plan.mode == .overwrite ? "Overwrite" : "Append")
        lines.append(JSONText.object([("commitInfo", JSONText.object([
            ("timestamp", String(now)), ("operation", JSONText.quoted(snapshot == nil ? "CREATE TABLE AS SELECT" : "WRITE")),
            ("operationParameters", JSONText.object([
                ("mode", JSONText.quoted(operationMode)),
                ("partitionBy", JSONText.quoted(JSONText.array(plan.partitionColumns.map(JSONText.quoted)))),
            ])),
            ("isBlindAppend", plan.mode == .overwrite ? "false" : "true"),
            ("engineInfo", JSONText.quoted("pyforge/\(PyForgeVersion.current)")),
            ("clientVersion", JSONText.quoted("pyforge-\(PyForgeVersion.current)")),
            ("readVersion", snapshot.map { String($0.version) } ?? "null"),
        ]))]))
        return lines
    }

    static func metadataLine(id: String, schemaString: String, partitionColumns: [String], configuration: [String: String], createdTime: Int64) -> String {
        JSONText.object([("metaData", JSONText.object([
            ("id", JSONText.quoted(id)),
            ("format", JSONText.object([("provider", JSONText.quoted("parquet")), ("options", "{}")])),
            ("schemaString", JSONText.quoted(schemaString)),
            ("partitionColumns", JSONText.array(partitionColumns.map(JSONText.quoted))),
            ("configuration", JSONText.object(configuration.keys.sorted().map { ($0, JSONText.quoted(configuration[$0]!)) })),
            ("createdTime", String(createdTime)),
        ]))])
    }
}
