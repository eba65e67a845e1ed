import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Columnar
import Parquet
import Values
import FormatKit

/// A data file written for a commit: where it is and what its `add` action says.
struct WrittenDataFile {
    var relativePath: String
    var absolutePath: String
    var size: Int64
    var partitionValues: [String: String?]
    var stats: String
    var records: Int64
}

/// Writes a conversion's batches as the Parquet data files of a Delta table, one file
/// per partition (Hive-style directories), without committing them: until the log
/// commit names them, they are invisible to readers.
final class DeltaTableWriter: OutputWriter {
    let table: String
    /// The table's schema after this write (stored types, merged columns).
    let tableSchema: Schema
    let partitionColumns: [String]
    private let dataSchema: Schema
    private let inputSchema: Schema
    private let options: OutputOptions
    /// Recorded in each data file's `created_by`.
    private let pyforgeVersion: String
    private var files: [String: PartitionFile] = [:]
    private var order: [String] = []
    /// When each open file was last written, to close the least recently used one.
    private var lastUse: [String: Int] = [:]
    private var clock = 0
    private var filesCreated = 0
    /// Open data files at most: past this, the least recently used partition's file is
    /// finished (a later row of that partition starts a new file), so descriptors and
    /// buffered row groups stay bounded however many partitions the data has.
    static let maxOpenFiles = 32
    private(set) var written: [WrittenDataFile] = []
    private var createdDirectories: [String] = []

    private final class PartitionFile {
        let output: AtomicOutputFile
        let writer: ParquetFileWriter
        let relativePath: String
        let values: [String: String?]
        var stats: DeltaStats

        init(output: AtomicOutputFile, writer: ParquetFileWriter, relativePath: String, values: [String: String?], stats: DeltaStats) {
            self.output = output
            self.writer = writer
            self.relativePath = relativePath
            self.values = values
            self.stats = stats
        }

        func append(_ batch: RecordBatch) throws(ConversionError) {
            stats.add(batch)
            do { try writer.write(batch) } catch { throw ConversionError(error, output: output.path) }
        }
    }

    init(table: String, inputSchema: Schema, tableSchema: Schema, partitionColumns: [String], options: OutputOptions, pyforgeVersion: String) {
        self.pyforgeVersion = pyforgeVersion
        self.table = table
        self.inputSchema = inputSchema
        self.tableSchema = tableSchema
        self.partitionColumns = partitionColumns
        self.options = options
        dataSchema = Schema(tableSchema.fields.filter { !partitionColumns.contains($0.name) })
    }

    func write(_ batch: RecordBatch) throws(ConversionError) {
        let adapted = try adapt(batch)
        if partitionColumns.isEmpty {
            try file(for: "", values: [:]).append(adapted)
            return
        }
        // Group row indices by their partition values, in first-seen order.
        var groups: [String: (values: [String: String?], rows: [Int])] = [:]
        var keys: [String] = []
        // Partition values are written in the table's type (an appended date in a timestamp
        // partition column must read back as a timestamp).
        var partitionColumnsInTableType: [Column] = []
        var partitionTypes: [DataType] = []
        for name in partitionColumns {
            let index = batch.schema.index(of: name)!
            let type = tableSchema.fields.first { $0.name == name }?.type ?? batch.schema.fields[index].type
            partitionColumnsInTableType.append(try DeltaTypeCast.cast(batch.columns[index], from: batch.schema.fields[index].type, to: type, column: name, table: table))
            partitionTypes.append(type)
        }
        for row in 0..<batch.rowCount {
            var values: [String: String?] = [:]
            var key = ""
            for (k, name) in partitionColumns.enumerated() {
                let text = try partitionText(partitionColumnsInTableType[k], type: partitionTypes[k], name: name, row: row)
                values[name] = text
                key += (text.map { "=" + $0 } ?? "\u{0}") + "\u{1}"
            }
            if groups[key] == nil {
                groups[key] = (values, [])
                keys.append(key)
            }
            groups[key]!.rows.append(row)
        }
        for key in keys {
            let group = groups[key]!
            let subset: RecordBatch
            do { subset = try adapted.gather(group.rows) } catch {
                throw .outputFailed(path: table, reason: error.description)
            }
            try file(for: key, values: group.values).append(subset)
        }
    }

    /// Casts the input batch to the table's data columns (missing columns become nulls).
    private func adapt(_ batch: RecordBatch) throws(ConversionError) -> RecordBatch {
        var columns: [Column] = []
        for field in dataSchema.fields {
            guard let index = batch.schema.index(of: field.name) else {
                columns.append(Self.nullColumn(field.type, rows: batch.rowCount))
                continue
            }
            columns.append(try DeltaTypeCast.cast(batch.columns[index], from: batch.schema.fields[index].type, to: field.type, column: field.name, table: table))
        }
        do {
            return try RecordBatch(schema: dataSchema, columns: columns)
        } catch {
            throw .outputFailed(path: table, reason: error.description)
        }
    }

    static func nullColumn(_ type: DataType, rows: Int) -> Column {
        let validity = [UInt8](repeating: 0, count: rows)
        switch type.storage {
        case .booleans: return Column(.booleans(Array(repeating: 0, count: rows)), validity: validity)
        case .int32s: return Column(.int32s(Array(repeating: 0, count: rows)), validity: validity)
        case .int64s: return Column(.int64s(Array(repeating: 0, count: rows)), validity: validity)
        case .int128s: return Column(.int128s(Array(repeating: 0, count: rows)), validity: validity)
        case .doubles: return Column(.doubles(Array(repeating: 0, count: rows)), validity: validity)
        case .bytes: return Column(.bytes(ByteArrays(offsets: Array(repeating: 0, count: rows + 1), data: [])), validity: validity)
        }
    }

    /// A partition value as Delta writes it (nil for null; Delta reads "" as null too).
    private func partitionText(_ col: Column, type: DataType, name: String, row: Int) throws(ConversionError) -> String? {
        if col.isNull(row) { return nil }
        switch (col.values, type) {
        case (.int64s(let v), .timestampMicros):
            // "2024-01-15 10:30:00[.ffffff]", as Spark writes timestamp partitions.
            return String(ValueFormatting.timestamp(micros: v[row], utc: false).map { $0 == "T" ? " " : $0 })
        case (.int32s(let v), .date32):
            return ValueFormatting.date(days: v[row])
        case (.bytes(let b), .string):
            let text = b.string(at: row)
            return text.isEmpty ? nil : text
        case (.bytes, _):
            throw .invalidOption("Column '\(name)' is binary and cannot be a partition column; pick another --partition-by column.")
        default:
            var out: [UInt8] = []
            _ = CellText.append(col.values, type, row: row, style: .csv, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    private func file(for key: String, values: [String: String?]) throws(ConversionError) -> PartitionFile {
        clock += 1
        lastUse[key] = clock
        if let existing = files[key] { return existing }
        if files.count >= Self.maxOpenFiles, let oldest = files.keys.min(by: { lastUse[$0, default: 0] < lastUse[$1, default: 0] }) {
            try close(oldest)
        }
        var directory = ""
        for name in partitionColumns {
            let value = values[name] ?? nil
            directory += name + "=" + (value.map(DeltaPaths.escapePartitionComponent) ?? DeltaPaths.nullPartition) + "/"
        }
        let absoluteDirectory = table + "/" + directory
        try makeDirectories(absoluteDirectory)
        let suffix: String
        switch options.compression {
        case .snappy: suffix = ".snappy.parquet"
        case .zstd: suffix = ".zstd.parquet"
        case .gzip: suffix = ".gz.parquet"
        default: suffix = ".parquet"
        }
        filesCreated += 1
        let name = "part-\(String(format5(filesCreated - 1)))-\(UUID().uuidString.lowercased())-c000\(suffix)"
        // DeltaOutputTarget swept the table's stale temporaries once, before writing.
        let output = try AtomicOutputFile(path: absoluteDirectory + name, overwrite: false, sweepStale: false)
        let writer: ParquetFileWriter
        do {
            writer = try ParquetFileWriter(
                sink: FileDescriptorSink(fileDescriptor: output.descriptor, path: output.path), schema: dataSchema,
                options: WriterOptions(
                    compression: options.compression, compressionLevel: options.compressionLevel,
                    rowGroupBytes: options.rowGroupBytes, rowGroupRows: options.rowGroupRows ?? 64 << 20,
                    dictionaryEnabled: options.dictionary, createdBy: "pyforge version \(pyforgeVersion)",
                    bloomFilterColumns: options.bloomFilterColumns))
        } catch {
            output.discard()
            throw ConversionError(error, output: output.path)
        }
        let file = PartitionFile(output: output, writer: writer, relativePath: directory + name, values: values, stats: DeltaStats(schema: dataSchema))
        files[key] = file
        order.append(key)
        return file
    }

    private func format5(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    private func makeDirectories(_ path: String) throws(ConversionError) {
        var current = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            current += (current.isEmpty && path.hasPrefix("/") ? "" : (current.isEmpty ? "" : "/")) + component
            if current.isEmpty { current = "/"; continue }
            if mkdir(current, 0o755) == 0 {
                createdDirectories.append(current)
            } else if errno != EEXIST {
                throw .io(operation: "create the directory", path: current, reason: systemMessage(errno))
            }
        }
    }

    /// Closes every data file and moves it into place (still uncommitted).
    func finish() throws(ConversionError) {
        if files.isEmpty && written.isEmpty && partitionColumns.isEmpty {
            // An empty input still commits one (empty) file so the table has its schema in data too.
            _ = try file(for: "", values: [:])
        }
        for key in order { try close(key) }
    }

    /// Finishes one partition's open file: footer written, moved into place.
    private func close(_ key: String) throws(ConversionError) {
        guard let file = files.removeValue(forKey: key) else { return }
        order.removeAll { $0 == key }
        lastUse[key] = nil
        do { try file.writer.close() } catch {
            file.output.discard()
            throw ConversionError(error, output: file.output.path)
        }
        try file.output.commit()
        written.append(WrittenDataFile(
            relativePath: file.relativePath, absolutePath: file.output.path, size: file.output.size,
            partitionValues: file.values, stats: file.stats.json, records: file.stats.recordCount))
    }

    /// Removes everything this writer created: temporary files, data files already moved
    /// into place, and directories it made that are left empty.
    func discard() {
        for file in files.values { file.output.discard() }
        files.removeAll()
        for file in written { unlink(file.absolutePath) }
        written.removeAll()
        for directory in createdDirectories.reversed() { rmdir(directory) }
        createdDirectories.removeAll()
    }
}

/// The few safe conversions between an input's inferred types and a table's types.
enum DeltaTypeCast {
    static func cast(_ column: Column, from: DataType, to: DataType, column name: String, table: String) throws(ConversionError) -> Column {
        if from == to || DeltaSchema.storedType(from) == to { return column }
        switch (column.values, to) {
        case (.int64s(let v), .double): return Column(.doubles(v.map { Double($0) }), validity: column.validity)
        case (.int32s(let v), .int64): return Column(.int64s(v.map { Int64($0) }), validity: column.validity)
        case (.int32s(let v), .double): return Column(.doubles(v.map { Double($0) }), validity: column.validity)
        case (.int32s(let v), .timestampMicros) where from == .date32:
            return Column(.int64s(v.map { Int64($0) * 86_400_000_000 }), validity: column.validity)
        default:
            throw .invalidOption("Column '\(name)' is \(from.name) in the input but \(to.name) in the Delta table '\(table)'. Convert into a new table, or use --all-strings if the table's column is a string.")
        }
    }
}
