import Columnar
import Parquet
import FormatKit

/// Writes record batches to an open output file in one format.
protocol OutputWriter: AnyObject {
    func write(_ batch: RecordBatch) throws(ConversionError)
    /// Writes what the format needs at the end (footer, closing bracket) and flushes.
    func finish() throws(ConversionError)
    var warnings: [String] { get }
}

extension OutputWriter {
    var warnings: [String] { [] }
}

func makeOutputWriter(
    _ format: OutputFormat, file: AtomicOutputFile, schema: Schema, options: OutputOptions, version: String
) throws(ConversionError) -> OutputWriter {
    let sink = FileDescriptorSink(fileDescriptor: file.descriptor, path: file.path)
    switch format {
    case .parquet:
        return try ParquetOutputWriter(sink: sink, path: file.path, schema: schema, options: options, version: version)
    case .csv:
        return try DelimitedOutputWriter(sink: sink, path: file.path, schema: schema)
    case .json:
        return JSONOutputWriter(sink: sink, path: file.path, schema: schema, lines: false)
    case .ndjson:
        return JSONOutputWriter(sink: sink, path: file.path, schema: schema, lines: true)
    case .delta:
        preconditionFailure("Delta tables are written by DeltaOutputTarget")
    case .text:
        throw .unsupportedConversion(input: "a table", output: "text (text output is for PDF input)")
    }
}

final class ParquetOutputWriter: OutputWriter {
    private let writer: ParquetFileWriter
    private let path: String

    init(sink: OutputSink, path: String, schema: Schema, options: OutputOptions, version: String) throws(ConversionError) {
        self.path = path
        let writerOptions = WriterOptions(
            compression: options.compression, compressionLevel: options.compressionLevel,
            rowGroupBytes: min(options.rowGroupBytes, MemoryBudget.current.rowGroupBytes), rowGroupRows: options.rowGroupRows ?? 64 << 20,
            dictionaryEnabled: options.dictionary, createdBy: "pyforge version \(version)",
            bloomFilterColumns: options.bloomFilterColumns)
        do {
            writer = try ParquetFileWriter(sink: sink, schema: schema, options: writerOptions)
        } catch {
            throw ConversionError(error, output: path)
        }
    }

    func write(_ batch: RecordBatch) throws(ConversionError) {
        do { try writer.write(batch) } catch { throw ConversionError(error, output: path) }
    }

    func finish() throws(ConversionError) {
        do { try writer.close() } catch { throw ConversionError(error, output: path) }
    }
}

/// Writes through a buffered sink, mapping its errors to conversion errors.
struct TextOutput {
    let sink: OutputSink
    let path: String
    var buffer: [UInt8] = []

    init(sink: OutputSink, path: String) {
        self.sink = sink
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    mutating func flushIfLarge() throws(ConversionError) {
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws(ConversionError) {
        do {
            try buffer.withBytes { raw throws(ParquetError) in try sink.write(raw) }
            buffer.removeAll(keepingCapacity: true)
        } catch {
            throw ConversionError(error, output: path)
        }
    }

    mutating func finish() throws(ConversionError) {
        try flush()
        do { try sink.flush() } catch { throw ConversionError(error, output: path) }
    }
}
