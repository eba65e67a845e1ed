import Columnar
import Dispatch
import Synchronization

/// Writes record batches as one Parquet file: row groups of column chunks, then the footer.
///
/// Memory is bounded by one row group of encoded, compressed pages. On any thrown error
/// the file is incomplete (it has no footer, so no reader mistakes it for valid) and the
/// caller discards it.
public final class ParquetFileWriter {
    public let schema: Schema
    public let options: WriterOptions
    private let sink: OutputSink
    private let columns: [ColumnChunkWriter]
    private var rowGroups: [RowGroup] = []
    /// Serialized page indexes of the chunks written so far, per row group and column
    /// (a few bytes per page), held until the footer.
    private var pageIndexes: [[ChunkPageIndexBytes]] = []
    private var rowsInGroup = 0
    private var totalRows: Int64 = 0
    private var closed = false

    public init(sink: OutputSink, schema: Schema, options: WriterOptions = WriterOptions()) throws(ParquetError) {
        try options.validate()
        let unknown = options.bloomFilterColumns.unknownNames(in: schema)
        guard unknown.isEmpty else {
            throw .invalidOptions(
                "no column is named \(unknown.map { "'\($0)'" }.joined(separator: ", ")), so it cannot have a bloom filter; "
                    + "name columns of the input (" + schema.fields.map { "'\($0.name)'" }.joined(separator: ", ") + ") or all of them")
        }
        var names = Set<String>()
        for field in schema.fields where !names.insert(field.name).inserted {
            throw .schemaMismatch("the column name '\(field.name)' appears twice")
        }
        var writers: [ColumnChunkWriter] = []
        for field in schema.fields {
            writers.append(try ColumnChunkWriter(ColumnDescriptor(field), options: options))
        }
        self.schema = schema
        self.options = options
        self.sink = sink
        columns = writers
        try sink.write(Self.magic)
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    public var rowsWritten: Int64 { totalRows }

    public func write(_ batch: RecordBatch) throws(ParquetError) {
        guard !closed else { throw .writerClosed }
        guard batch.schema.count == schema.count else {
            throw .schemaMismatch("the batch has \(batch.schema.count) columns, the file \(schema.count)")
        }
        for (expected, actual) in zip(schema.fields, batch.schema.fields) where expected.type != actual.type {
            throw .schemaMismatch("column '\(expected.name)' is \(expected.type.name) but the batch has \(actual.type.name)")
        }
        var start = 0
        while start < batch.rowCount {
            let take = Swift.min(batch.rowCount - start, options.rowGroupRows - rowsInGroup)
            try appendColumns(batch, rows: start..<(start + take))
            rowsInGroup += take
            totalRows += Int64(take)
            start += take
            if rowsInGroup >= options.rowGroupRows || estimatedGroupBytes >= options.rowGroupBytes {
                try flushRowGroup()
            }
        }
    }

    /// Appends each column's rows; columns are independent, so with more than one core
    /// they are encoded and compressed in parallel.
    private func appendColumns(_ batch: RecordBatch, rows: Range<Int>) throws(ParquetError) {
        guard options.parallelColumns && columns.count > 1 && rows.count >= 4096 else {
            for (index, writer) in columns.enumerated() { try writer.append(batch.columns[index], rows: rows) }
            return
        }
        let failures = ColumnFailures(count: columns.count)
        let work = UnsafeTransfer((columns, batch))
        DispatchQueue.concurrentPerform(iterations: columns.count) { index in
            let (columns, batch) = work.value
            do throws(ParquetError) {
                try columns[index].append(batch.columns[index], rows: rows)
            } catch {
                failures.record(error, at: index)
            }
        }
        if let error = failures.first { throw error }
    }

    private var estimatedGroupBytes: Int {
        columns.reduce(0) { $0 + $1.estimatedBytes }
    }

    /// Writes the open row group's column chunks to the sink.
    public func flushRowGroup() throws(ParquetError) {
        guard rowsInGroup > 0 else { return }
        let groupStart = sink.position
        var chunks: [ColumnChunk] = []
        var bloomFilters: [SplitBlockBloomFilter?] = []
        var indexes: [ChunkPageIndexBytes] = []
        var uncompressed: Int64 = 0
        for writer in columns {
            let offset = sink.position
            let chunk = try writer.finishChunk(fileOffset: offset)
            try sink.write(chunk.dictionaryPage)
            for page in chunk.dataPages { try sink.write(page) }
            chunks.append(ColumnChunk(fileOffset: offset, metaData: chunk.metaData))
            bloomFilters.append(chunk.bloomFilter)
            if options.pageIndex {
                indexes.append(
                    ChunkPageIndexBytes(
                        chunk.pageSummaries, firstPageOffset: offset + Int64(chunk.dictionaryPage.count),
                        type: writer.descriptor.physicalType))
            }
            uncompressed += chunk.metaData.totalUncompressedSize
        }
        let compressedSize = sink.position - groupStart
        // Bloom filters follow their row group's chunks (the spec allows them anywhere the
        // metadata points), so no more than one row group's filters are held at once.
        for (column, filter) in bloomFilters.enumerated() {
            guard let filter else { continue }
            let bytes = filter.serialized()
            chunks[column].metaData.bloomFilterOffset = sink.position
            chunks[column].metaData.bloomFilterLength = Int32(bytes.count)
            try sink.write(bytes)
        }
        if options.pageIndex { pageIndexes.append(indexes) }
        rowGroups.append(
            RowGroup(
                columns: chunks, totalByteSize: uncompressed, numRows: Int64(rowsInGroup), fileOffset: groupStart,
                totalCompressedSize: compressedSize, ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        rowsInGroup = 0
    }

    /// Writes every chunk's ColumnIndex, then every OffsetIndex, after the last row group
    /// (the layout PageIndex.md describes), and points the footer's chunks at them.
    private func writePageIndexes() throws(ParquetError) {
        for (group, indexes) in pageIndexes.enumerated() {
            for (column, index) in indexes.enumerated() {
                guard let bytes = index.columnIndex else { continue }
                rowGroups[group].columns[column].columnIndexOffset = sink.position
                rowGroups[group].columns[column].columnIndexLength = Int32(bytes.count)
                try sink.write(bytes)
            }
        }
        for (group, indexes) in pageIndexes.enumerated() {
            for (column, index) in indexes.enumerated() {
                rowGroups[group].columns[column].offsetIndexOffset = sink.position
                rowGroups[group].columns[column].offsetIndexLength = Int32(index.offsetIndex.count)
                try sink.write(index.offsetIndex)
            }
        }
        pageIndexes = []
    }

    /// Flushes the last row group and writes the footer. The sink is flushed but not closed.
    @discardableResult
    public func close() throws(ParquetError) -> FileMetaData {
        guard !closed else { throw .writerClosed }
        try flushRowGroup()
        try writePageIndexes()
        closed = true
        var elements = [SchemaElement(name: "schema", numChildren: Int32(schema.count))]
        elements.append(contentsOf: columns.map(\.descriptor.element))
        let metadata = FileMetaData(
            version: 1, schema: elements, numRows: totalRows, rowGroups: rowGroups,
            keyValueMetadata: options.keyValueMetadata, createdBy: options.createdBy,
            columnOrdersAreTypeDefined: Array(repeating: true, count: schema.count))
        try Self.writeFooter(metadata, to: sink)
        return metadata
    }

    /// The file's end: serialized metadata, its length, the magic bytes; then a flush.
    static func writeFooter(_ metadata: FileMetaData, to sink: OutputSink) throws(ParquetError) {
        let footer = metadata.encode()
        try sink.write(footer)
        var length: [UInt8] = []
        length.appendLittleEndian(UInt32(footer.count))
        try sink.write(length)
        try sink.write(magic)
        try sink.flush()
    }
}

/// Errors from columns encoded in parallel; the first column's error is reported.
private final class ColumnFailures: Sendable {
    private let errors: Mutex<[Int: ParquetError]> = Mutex([:])

    init(count: Int) {}

    func record(_ error: ParquetError, at index: Int) {
        errors.withLock { $0[index] = error }
    }

    var first: ParquetError? {
        errors.withLock { errors in errors.keys.min().flatMap { errors[$0] } }
    }
}

/// Hands non-Sendable state to `concurrentPerform`: each iteration touches only its own
/// column writer, and the batch is read-only.
private struct UnsafeTransfer<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
