import Columnar
import Parquet
import FormatKit
import Delta
import TextWriters

func makeOutputWriter(
    _ format: OutputFormat, file: AtomicOutputFile, schema: Schema, options: OutputOptions, version: String
) throws(ConversionError) -> OutputWriter {
    switch format {
    case .parquet:
        let sink = FileDescriptorSink(fileDescriptor: file.descriptor, path: file.path)
        return try ParquetOutputWriter(sink: sink, path: file.path, schema: schema, options: options, version: version)
    case .csv:
        return DelimitedOutputWriter(fileDescriptor: file.descriptor, path: file.path, schema: schema)
    case .json:
        return JSONOutputWriter(fileDescriptor: file.descriptor, path: file.path, schema: schema, lines: false)
    case .ndjson:
        return JSONOutputWriter(fileDescriptor: file.descriptor, path: file.path, schema: schema, lines: true)
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
