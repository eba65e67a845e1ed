import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Columnar
import FormatKit

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

/// Writes the next `_delta_log` commit with put-if-absent semantics (`DeltaLogPut`: link,
/// rename without replace, or an exclusive claim), which fails if another writer took the
/// version first. The loser re-reads the log, checks that the other commits do not
/// conflict with its own, and retries at the next version.
enum DeltaCommitter {
    static let maxAttempts = 200
    /// How long a loser waits for a claimed (still empty) commit to receive its content.
    static let defaultClaimWaitMilliseconds = 5_000

    struct Committed {
        var version: Int64
        var method: CommitMethod
    }

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
        /// The pyforge version the commit records as its engine (the caller's: this module
        /// does not know the product it is part of).
        var pyforgeVersion: String
    }

    static func commit(_ plan: Plan, medium: CommitMedium = .system, claimWaitMilliseconds: Int = defaultClaimWaitMilliseconds) throws(ConversionError) -> Committed {
        var snapshot = plan.readSnapshot
        for _ in 0..<maxAttempts {
            // Taken per attempt, so a commit that lost a race is not older than the one before it.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let version = (snapshot?.version ?? -1) + 1
            let text = actions(plan, snapshot: snapshot, version: version, now: now).joined(separator: "\n") + "\n"
            let path = DeltaLog.commitPath(plan.table, version)
            if let method = try putIfAbsent(text, at: path, table: plan.table, medium: medium) {
                return Committed(version: version, method: method)
            }
            // Lost the race for this version: see what was committed meanwhile, once the
            // winner's claim (if it used one) holds its content.
            waitForContent(path, milliseconds: claimWaitMilliseconds)
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

    /// Creates `path` holding `text` only if it does not exist yet; nil when another writer
    /// holds the version.
    private static func putIfAbsent(_ text: String, at path: String, table: String, medium: CommitMedium) throws(ConversionError) -> CommitMethod? {
        if mkdir(DeltaLog.logDirectory(table), 0o755) != 0 && errno != EEXIST {
            throw .io(operation: "create the log directory", path: DeltaLog.logDirectory(table), reason: systemMessage(errno))
        }
        let temporary = DeltaLog.logDirectory(table) + "/." + UUID().uuidString.lowercased() + ".json.tmp"
        try writeDurably(text, to: temporary)
        defer { unlink(temporary) }
        guard case .created(let method) = try DeltaLogPut.put(temporary: temporary, at: path, medium: medium) else { return nil }
        syncDirectory(DeltaLog.logDirectory(table))
        return method
    }

    /// An empty commit file is either a claim whose content is on its way (`DeltaLogPut`,
    /// exclusive create then rename: microseconds) or one whose writer died in between (a
    /// no-op version). Polls until it has content, at most `milliseconds`.
    static func waitForContent(_ path: String, milliseconds: Int) {
        var info = stat()
        var waited = 0
        while waited < milliseconds, stat(path, &info) == 0, info.st_size == 0 {
            usleep(20_000)
            waited += 20
        }
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
            ("engineInfo", JSONText.quoted("pyforge/\(plan.pyforgeVersion)")),
            ("clientVersion", JSONText.quoted("pyforge-\(plan.pyforgeVersion)")),
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
