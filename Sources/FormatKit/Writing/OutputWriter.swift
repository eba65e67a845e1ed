import Columnar

/// Writes record batches to an open output in one format. Here, below every writer, so the
/// Parquet, Delta and text writers implement one contract the pipeline drives without any
/// of them importing another.
public protocol OutputWriter: AnyObject {
    func write(_ batch: RecordBatch) throws(ConversionError)
    /// Writes what the format needs at the end (footer, closing bracket) and flushes.
    func finish() throws(ConversionError)
    var warnings: [String] { get }
}

extension OutputWriter {
    public var warnings: [String] { [] }
}
