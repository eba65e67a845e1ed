import Platform
import Parquet
import FormatKit

/// Writes a classic single-file checkpoint (`NNN.checkpoint.parquet`) holding the
/// table's reconciled state, and points `_last_checkpoint` at it, so that readers of a
/// long-lived table replay at most ten JSON commits.
enum DeltaCheckpoint {
    static let interval: Int64 = 10

    private static let stringMap = NestedType.map(key: .string, value: .string, valueNullable: true)

    /// The checkpoint schema of the Delta protocol (the action structs, all nullable).
    static let fields: [NestedField] = [
        NestedField("txn", .structure([
            NestedField("appId", .string), NestedField("version", .int64), NestedField("lastUpdated", .int64),
        ])),
        NestedField("add", .structure([
            NestedField("path", .string), NestedField("partitionValues", stringMap), NestedField("size", .int64),
            NestedField("modificationTime", .int64), NestedField("dataChange", .boolean), NestedField("tags", stringMap),
            NestedField("stats", .string),
        ])),
        NestedField("remove", .structure([
            NestedField("path", .string), NestedField("deletionTimestamp", .int64), NestedField("dataChange", .boolean),
            NestedField("extendedFileMetadata", .boolean), NestedField("partitionValues", stringMap),
            NestedField("size", .int64), NestedField("tags", stringMap),
        ])),
        NestedField("metaData", .structure([
            NestedField("id", .string), NestedField("name", .string), NestedField("description", .string),
            NestedField("format", .structure([NestedField("provider", .string), NestedField("options", stringMap)])),
            NestedField("schemaString", .string),
            NestedField("partitionColumns", .list(element: .string, elementNullable: true)),
            NestedField("configuration", stringMap), NestedField("createdTime", .int64),
        ])),
        NestedField("protocol", .structure([NestedField("minReaderVersion", .int32), NestedField("minWriterVersion", .int32)])),
    ]

    static func isDue(_ version: Int64) -> Bool { version > 0 && version % interval == 0 }

    private static func map(_ values: [String: String?]) -> NestedValue {
        .map(values.keys.sorted().map { (.string($0), values[$0]!.map { NestedValue.string($0) } ?? .null) })
    }

    static func rows(_ snapshot: DeltaSnapshot) -> [[NestedValue]] {
        var rows: [[NestedValue]] = []
        rows.append([.null, .null, .null, .null, .structure([
            .int(Int64(snapshot.minReaderVersion)), .int(Int64(snapshot.minWriterVersion)),
        ])])
        rows.append([.null, .null, .null, .structure([
            .string(snapshot.tableID), .null, .null, .structure([.string("parquet"), .map([])]),
            .string(snapshot.schemaString), .list(snapshot.partitionColumns.map { .string($0) }),
            .map(snapshot.configuration.keys.sorted().map { (.string($0), .string(snapshot.configuration[$0]!)) }),
            snapshot.createdTime.map { .int($0) } ?? .null,
        ]), .null])
        for file in snapshot.files.values.sorted(by: { $0.path < $1.path }) {
            rows.append([.null, .structure([
                .string(file.path), map(file.partitionValues), .int(file.size), .int(file.modificationTime),
                .boolean(false), .null, file.stats.map { .string($0) } ?? .null,
            ]), .null, .null, .null])
        }
        for path in snapshot.tombstones.keys.sorted() {
            let tombstone = snapshot.tombstones[path]!
            rows.append([.null, .null, .structure([
                .string(path), .int(tombstone.deletionTimestamp), .boolean(false), .boolean(tombstone.size != nil),
                map(tombstone.partitionValues), tombstone.size.map { .int($0) } ?? .null, .null,
            ]), .null, .null])
        }
        return rows
    }

    /// Writes the checkpoint for `version` and updates `_last_checkpoint`; `pyforgeVersion`
    /// goes into the file's `created_by`.
    static func write(table: String, version: Int64, pyforgeVersion: String) throws(ConversionError) {
        let snapshot = try DeltaLog.snapshot(table, at: version)
        let rows = rows(snapshot)
        let path = DeltaLog.logDirectory(table) + "/" + DeltaLog.paddedVersion(version) + ".checkpoint.parquet"
        let output = try AtomicOutputFile(path: path, overwrite: true)
        do {
            try NestedTableWriter.write(
                fields: fields, rows: rows, to: FileDescriptorSink(fileDescriptor: output.descriptor, path: path),
                createdBy: "pyforge version \(pyforgeVersion)")
        } catch {
            output.discard()
            throw ConversionError(error, output: path)
        }
        try output.commit()
        let pointer = AtomicOutputFileText(path: DeltaLog.logDirectory(table) + "/_last_checkpoint")
        try pointer.write(JSONText.object([("version", String(version)), ("size", String(rows.count))]) + "\n")
    }
}

/// A small text file replaced atomically (temp file, fsync, rename).
struct AtomicOutputFileText {
    let path: String

    func write(_ text: String) throws(ConversionError) {
        let output = try AtomicOutputFile(path: path, overwrite: true)
        do {
            try writeAll(output.descriptor, text, path: path)
        } catch {
            output.discard()
            throw error
        }
        try output.commit()
    }
}
