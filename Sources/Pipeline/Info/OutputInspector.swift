import Platform
import Columnar
import Parquet
import FormatKit
import CSVFormat
import Delta
import JSONFormat

/// What an output written by another program (an extension) holds, read with pyforge's own
/// readers so that the extension host can check the extension's claims against it.
///
/// Cost, by design: every check reads its output at most once, front to back. Parquet reads
/// only the footer (no data pages); CSV, JSON and NDJSON stream through the core readers'
/// 8 MiB buffer one 64 Ki-record batch at a time (memory bounded by a batch, time linear in
/// the file); Delta reads only the `_delta_log` commits, never the data files.
public enum OutputInspector {
    public struct Contents: Sendable {
        /// nil when the output does not say (Delta files without `numRecords` statistics).
        public var rows: Int64?
        public var columns: [FileInfo.Column]
    }

    /// A Parquet file's footer: its row count and schema.
    public static func parquet(_ path: String) throws(ConversionError) -> Contents {
        let info = try FileInspector.parquetInfo(path: path)
        return Contents(rows: Int64(info.rows), columns: info.columns)
    }

    /// CSV as the protocol requires it (SPEC §12.3): comma-separated, UTF-8, a header line,
    /// RFC 4180 quoting. Records are counted after the header.
    public static func csv(_ path: String) throws(ConversionError) -> Contents {
        let options = CSVOptions(delimiter: UInt8(ascii: ","), hasHeader: true, encoding: .utf8)
        let (_, rows, schema) = try CSVSource(path: path, options: options).scan()
        return Contents(rows: Int64(rows), columns: columns(schema))
    }

    /// JSON (one array of objects) or NDJSON (one object per line). The first byte that is
    /// not white space tells the two apart, so an array is not accepted as NDJSON nor the
    /// other way round.
    public static func json(_ path: String, lines: Bool) throws(ConversionError) -> Contents {
        let expected = lines ? UInt8(ascii: "{") : UInt8(ascii: "[")
        switch try firstSignificantByte(path) {
        case nil where lines: return Contents(rows: 0, columns: [])  // no records, no bytes
        case expected?: break
        default:
            throw .malformedInput(
                path: path, location: "byte 0", reason: lines ? "NDJSON holds one object per line, starting with '{'" : "a JSON output is one array of records, starting with '['",
                fix: "write the format the host asked for")
        }
        // The records are the top-level values: an NDJSON line holding an array of objects is
        // one record, not a wrapper to look inside (`recordPath` empty).
        let (_, rows, schema) = try JSONSource(path: path, options: JSONOptions(flatten: false, recordPath: [])).scan()
        return Contents(rows: Int64(rows), columns: columns(schema))
    }

    private static func columns(_ schema: Schema) -> [FileInfo.Column] {
        schema.fields.map { FileInfo.Column(name: $0.name, type: $0.type.name, nullable: $0.nullable) }
    }

    private static func firstSignificantByte(_ path: String) throws(ConversionError) -> UInt8? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            if let byte = chunk[0..<count].first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) { return byte }
        }
    }

    // MARK: Delta

    /// The latest version of the Delta table at `table`, nil when it is none (yet).
    public static func deltaVersion(_ table: String) -> Int64? {
        DeltaLog.versions(table).last
    }

    /// What the versions after `before` (nil: every version) added to a Delta table.
    public struct DeltaAddition: Sendable {
        public var before: Int64?
        public var latest: Int64?
        /// Data files (relative to the table) that the new versions made live.
        public var files: [String]
        public var contents: Contents
    }

    /// Reads the log after an extension wrote to the table. Throws when the log is not
    /// readable; `latest` equal to `before` means no version was added.
    public static func deltaAddition(_ table: String, before: Int64?) throws(ConversionError) -> DeltaAddition {
        guard let latest = deltaVersion(table), latest != before else {
            return DeltaAddition(before: before, latest: before, files: [], contents: Contents(rows: 0, columns: []))
        }
        let now = try DeltaLog.snapshot(table)
        let old = try before.map { (v: Int64) throws(ConversionError) in try DeltaLog.snapshot(table, at: v).files } ?? [:]
        let added = now.files.values.filter { old[$0.path] == nil }
        let rows: Int64? = added.contains { $0.records == nil } ? nil : added.reduce(Int64(0)) { $0 &+ ($1.records ?? 0) }
        let columns = now.schema.fields.map { FileInfo.Column(name: $0.name, type: DeltaSchema.typeName($0.type), nullable: $0.nullable) }
        return DeltaAddition(
            before: before, latest: latest, files: added.map { DeltaPaths.uriDecode($0.path) }.sorted(),
            contents: Contents(rows: rows, columns: columns))
    }

    /// Undoes a rejected Delta write: removes the commits after `addition.before` (and any
    /// checkpoint of them) and the data files they added, then the directories left empty.
    /// A table the extension created is removed when nothing else is in it. Paths that
    /// leave the table (`..`, absolute) are never touched.
    public static func undoDelta(_ table: String, _ addition: DeltaAddition) {
        let log = DeltaLog.logDirectory(table)
        let first = (addition.before ?? -1) + 1
        for name in directoryEntries(log) {
            guard name.count >= 20, let version = Int64(name.prefix(20)), version >= first else { continue }
            unlink(log + "/" + name)
        }
        if addition.before == nil { unlink(log + "/_last_checkpoint") }
        for file in addition.files where !file.hasPrefix("/") && !file.split(separator: "/").contains("..") {
            unlink(table + "/" + file)
            var parent = file.split(separator: "/").dropLast()
            while !parent.isEmpty, rmdir(table + "/" + parent.joined(separator: "/")) == 0 { parent = parent.dropLast() }
        }
        if addition.before == nil {
            rmdir(log)
            rmdir(table)
        }
    }
}
