import Platform
import Columnar
import Parquet
import FormatKit

/// A Delta table directory: data files first, then one log commit that makes them the
/// table's new version. A failure before the commit leaves the table as it was. (The
/// pipeline drives it as one of its output targets; the conformance is declared there.)
public final class DeltaOutputTarget {
    public let path: String
    private let options: OutputOptions
    private let delta: DeltaOptions
    /// Recorded in the commit's `engineInfo` and the data files' `created_by`.
    private let pyforgeVersion: String
    private let snapshot: DeltaSnapshot?
    private var writer: DeltaTableWriter?
    private var committedVersion: Int64?
    /// The table directory did not exist before: a failed write removes it again.
    private var createdTableDirectory = false

    public init(path: String, options: OutputOptions, delta: DeltaOptions, pyforgeVersion: String) throws(ConversionError) {
        self.path = path
        self.options = options
        self.delta = delta
        self.pyforgeVersion = pyforgeVersion
        // Data files and checkpoints a killed writer left half-written go first.
        if directoryExists(path) { StaleTemporaries.sweep(tree: path) }
        if DeltaLog.exists(path) {
            if delta.mode == .error {
                throw .deltaTableExists(path: path)
            }
            snapshot = try DeltaLog.snapshot(path)
            if delta.mode == .overwrite && snapshot!.configuration["delta.appendOnly"]?.lowercased() == "true" {
                throw .invalidOption("The Delta table '\(path)' is append-only (delta.appendOnly = true); --mode overwrite would remove its data. Use --mode append or write a new table.")
            }
            if snapshot!.schemaString.contains("delta.invariants") {
                throw .invalidOption("The Delta table '\(path)' has column invariants, which pyforge does not check; write to it with Spark, or to a new table.")
            }
            if snapshot!.minWriterVersion > 2 || snapshot!.writerFeatures != nil {
                throw .invalidOption("The Delta table '\(path)' needs writer version \(snapshot!.minWriterVersion) (features: \((snapshot!.writerFeatures ?? []).joined(separator: ", "))); pyforge writes tables of writer version 2. Write to a new table or use Spark.")
            }
        } else {
            snapshot = nil
            // Entries a table being created (perhaps by a concurrent writer) has are fine;
            // anything else means the directory holds something that is not a table.
            if directoryExists(path), let stranger = directoryEntries(path).first(where: { !Self.isTableEntry($0) }) {
                throw .invalidOption("'\(path)' is a directory without a Delta log that holds other files ('\(stranger)'); pyforge will not mix a table into it. Choose an empty or new directory.")
            }
        }
    }

    static func isTableEntry(_ name: String) -> Bool {
        name == "_delta_log" || name.hasPrefix("part-") || name.hasPrefix(".part-") || name.contains("=")
    }

    /// The table's schema after this write, from the input's schema and the mode.
    private func tableSchema(for input: Schema) throws(ConversionError) -> (Schema, [String]) {
        let stored = Schema(input.fields.map { Field(name: $0.name, type: DeltaSchema.storedType($0.type), nullable: true) })
        let partitions: [String]
        if let snapshot, delta.partitionBy.isEmpty || delta.mode == .append {
            if !delta.partitionBy.isEmpty && delta.partitionBy != snapshot.partitionColumns {
                throw .invalidOption("The Delta table '\(path)' is partitioned by [\(snapshot.partitionColumns.joined(separator: ", "))], not [\(delta.partitionBy.joined(separator: ", "))]; appends keep the table's partitioning.")
            }
            partitions = snapshot.partitionColumns
        } else {
            partitions = delta.partitionBy
        }
        for name in partitions where input.index(of: name) == nil {
            throw .invalidOption("--partition-by names '\(name)', which is not a column of the input (columns: \(input.fields.map(\.name).joined(separator: ", "))).")
        }
        guard let snapshot, delta.mode == .append else { return (stored, partitions) }

        var fields = snapshot.schema.fields
        var added: [String] = []
        var mismatched: [String] = []
        for field in stored.fields {
            if let existing = fields.first(where: { $0.name == field.name }) {
                if existing.type != field.type && !Self.castable(field.type, to: existing.type) {
                    mismatched.append("'\(field.name)' is \(field.type.name) in the input but \(existing.type.name) in the table")
                }
            } else {
                added.append(field.name)
                fields.append(field)
            }
        }
        if !mismatched.isEmpty {
            throw .invalidOption("Cannot append to the Delta table '\(path)': \(mismatched.joined(separator: "; ")). Convert into a new table or with --mode overwrite.")
        }
        if !added.isEmpty && !delta.mergeSchema {
            throw .invalidOption("Cannot append to the Delta table '\(path)': the input has columns the table lacks (\(added.joined(separator: ", "))). Pass --merge-schema to add them as nullable columns.")
        }
        for field in snapshot.schema.fields where input.index(of: field.name) == nil && !field.nullable {
            throw .invalidOption("Cannot append to the Delta table '\(path)': its non-nullable column '\(field.name)' is missing from the input.")
        }
        return (Schema(fields), partitions)
    }

    static func castable(_ from: DataType, to: DataType) -> Bool {
        switch (from, to) {
        case (.int64, .double), (.int32, .int64), (.int32, .double), (.date32, .timestampMicros): return true
        default: return false
        }
    }

    public func open(_ schema: Schema) throws(ConversionError) -> OutputWriter {
        let (table, partitions) = try tableSchema(for: schema)
        if !directoryExists(path) {
            if mkdir(path, 0o755) == 0 {
                createdTableDirectory = true
            } else if errno != EEXIST {
                throw .io(operation: "create the table directory", path: path, reason: systemMessage(errno))
            }
        }
        let writer = DeltaTableWriter(table: path, inputSchema: schema, tableSchema: table, partitionColumns: partitions, options: options, pyforgeVersion: pyforgeVersion)
        self.writer = writer
        return writer
    }

    /// An append keeps the table's schema text byte for byte (field metadata, comments),
    /// adding only merged columns at the end.
    private func appendSchemaString(_ schema: Schema) -> String? {
        guard delta.mode == .append, let snapshot else { return nil }
        let added = schema.fields.filter { field in snapshot.schema.index(of: field.name) == nil }
        guard !added.isEmpty else { return snapshot.schemaString }
        let original = snapshot.schemaString
        // The text is {"type":"struct","fields":[ … ]}: insert before the last ']'.
        guard let close = original.lastIndex(of: "]") else { return nil }
        let addition = String(DeltaSchema.encode(Schema(added)).dropFirst(#"{"type":"struct","fields":["#.count).dropLast(2))
        let separator = original[..<close].last(where: { !$0.isWhitespace }) == "[" ? "" : ","
        return String(original[..<close]) + separator + addition + String(original[close...])
    }

    public func discard() {
        writer?.discard()
        writer = nil
        if createdTableDirectory && committedVersion == nil {
            rmdir(DeltaLog.logDirectory(path))
            rmdir(path)
        }
    }

    public func commit() throws(ConversionError) -> [String: String] {
        guard let writer else { throw .outputFailed(path: path, reason: "no data was written") }
        let plan = DeltaCommitter.Plan(
            table: path, mode: delta.mode, schema: writer.tableSchema, partitionColumns: writer.partitionColumns,
            files: writer.written, readSnapshot: snapshot,
            schemaString: appendSchemaString(writer.tableSchema), pyforgeVersion: pyforgeVersion)
        let committed: DeltaCommitter.Committed
        do {
            committed = try DeltaCommitter.commit(plan)
        } catch {
            discard()
            throw error
        }
        let version = committed.version
        committedVersion = version
        var notes = [
            "delta_version": String(version), "data_files": String(writer.written.count),
            "delta_commit": committed.method.rawValue,
        ]
        if committed.method == .unguarded {
            commitWarning = "The storage of '\(path)' has no put-if-absent (no hard links, rename flags or exclusive create), so version \(version) was committed by check-then-rename: writers on this machine are refused while one commits, but writers on other machines are not detected. Write to this table from one machine at a time."
        }
        if DeltaCheckpoint.isDue(version) {
            // The commit stands either way: a failed checkpoint only costs readers time.
            do {
                try DeltaCheckpoint.write(table: path, version: version, pyforgeVersion: pyforgeVersion)
                notes["checkpoint"] = String(version)
            } catch {
                checkpointWarning = "Version \(version) was committed, but its checkpoint could not be written: \(error.description)"
            }
        }
        return notes
    }

    public var bytesWritten: Int64 { writer?.written.reduce(0) { $0 + $1.size } ?? 0 }
    private var checkpointWarning: String?
    private var commitWarning: String?
    public var writerWarnings: [String] { [commitWarning, checkpointWarning].compactMap { $0 } }
}
