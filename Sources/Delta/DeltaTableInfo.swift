import Platform
import FormatKit

/// `pyforge info TABLE_DIR`: versions, schema, files and rows of a Delta table, and data
/// files no version references (left by failed writes; harmless to readers).
public enum DeltaTableInfo {
    public static func info(path: String) throws(ConversionError) -> FileInfo {
        let snapshot = try DeltaLog.snapshot(path)
        let live = snapshot.files.values.sorted { $0.path < $1.path }
        let rows = live.reduce(Int64(0)) { $0 + ($1.records ?? 0) }
        let referenced = Set(snapshot.files.keys.map(DeltaPaths.uriDecode)).union(snapshot.tombstones.keys.map(DeltaPaths.uriDecode))
        let orphans = dataFiles(under: path, relative: "").filter { !referenced.contains($0) }
        var details: [String: String] = [
            "version": String(snapshot.version),
            "versions": String(snapshot.history.count),
            "files": String(live.count),
            "partition_columns": snapshot.partitionColumns.joined(separator: ","),
            "protocol": "reader \(snapshot.minReaderVersion), writer \(snapshot.minWriterVersion)",
            "table_id": snapshot.tableID,
        ]
        if !orphans.isEmpty { details["orphaned_files"] = orphans.joined(separator: ",") }
        let stale = StaleTemporaries.sweep(tree: path, remove: false)
        if !stale.isEmpty { details["stale_temporaries"] = stale.joined(separator: ",") }
        for entry in snapshot.history.suffix(10) {
            details["history.\(DeltaLog.paddedVersion(entry.version).suffix(6))"] = [entry.operation, entry.timestamp.map { "at \($0) ms" }].compactMap { $0 }.joined(separator: " ")
        }
        let unknownRows = live.contains { $0.records == nil }
        return FileInfo(
            path: path, format: "delta", sizeBytes: live.reduce(0) { $0 + $1.size }, rows: Int(rows),
            columns: snapshot.schema.fields.map { FileInfo.Column(name: $0.name, type: DeltaSchema.typeName($0.type), nullable: $0.nullable) },
            details: details, rowGroups: nil,
            warnings: (unknownRows ? ["Some files carry no row counts; the row total counts only the others."] : [])
                + (orphans.isEmpty ? [] : ["\(orphans.count) data file(s) are not part of any version (left by a failed write); readers ignore them."])
                + (stale.isEmpty ? [] : ["\(stale.count) temporary file(s) were left by a writer that died; the next write to the table removes them."]))
    }

    /// Relative paths of the Parquet files under the table directory (the log excluded).
    private static func dataFiles(under root: String, relative: String) -> [String] {
        var found: [String] = []
        for name in directoryEntries(relative.isEmpty ? root : root + "/" + relative) {
            if name == "_delta_log" || name.hasPrefix(".") { continue }
            let child = relative.isEmpty ? name : relative + "/" + name
            if directoryExists(root + "/" + child) {
                found += dataFiles(under: root, relative: child)
            } else if name.hasSuffix(".parquet") {
                found.append(child)
            }
        }
        return found.sorted()
    }
}
