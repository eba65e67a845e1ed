import Platform
import Columnar
import Parquet
import FormatKit
import Delta

/// Where a conversion's output goes: opened once per read attempt (a restart with
/// wider types discards the attempt and opens again), then committed once.
protocol OutputTarget: AnyObject {
    /// The path reported to the user (a file, or a table directory).
    var path: String { get }
    func open(_ schema: Schema) throws(ConversionError) -> OutputWriter
    /// Removes everything the current attempt wrote.
    func discard()
    /// Makes the finished output visible; returns notes for the summary.
    func commit() throws(ConversionError) -> [String: String]
    /// Bytes the output takes.
    var bytesWritten: Int64 { get }
    var writerWarnings: [String] { get }
}

/// A Delta table: data files, then one log commit.
extension DeltaOutputTarget: OutputTarget {}

/// A single file, renamed into place when complete.
final class FileOutputTarget: OutputTarget {
    let path: String
    private let format: OutputFormat
    private let options: OutputOptions
    private let overwrite: Bool
    private var file: AtomicOutputFile?
    private var writer: OutputWriter?

    init(path: String, format: OutputFormat, options: OutputOptions, overwrite: Bool) {
        self.path = path
        self.format = format
        self.options = options
        self.overwrite = overwrite
    }

    func open(_ schema: Schema) throws(ConversionError) -> OutputWriter {
        let file = try AtomicOutputFile(path: path, overwrite: overwrite)
        self.file = file
        let writer = try makeOutputWriter(format, file: file, schema: schema, options: options, version: PyForgeVersion.current)
        self.writer = writer
        return writer
    }

    func discard() {
        file?.discard()
        file = nil
    }

    func commit() throws(ConversionError) -> [String: String] {
        guard let file else { throw .outputFailed(path: path, reason: "no output was opened") }
        try file.commit()
        return [:]
    }

    var bytesWritten: Int64 { fileSize(path) }
    var writerWarnings: [String] { writer?.warnings ?? [] }
}
