/// Everything that can go wrong while writing or reading a Parquet file.
public enum ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A write or read on the underlying file failed.
    case io(operation: String, path: String, errno: Int32, message: String)
    case notParquet(path: String, reason: String)
    case corruptMetadata(String)
    case schemaMismatch(String)
    case invalidOptions(String)
    case compressionFailed(codec: CompressionCodec, reason: String)
    case valueTooLarge(column: String, bytes: Int)
    case writerClosed

    public var description: String {
        switch self {
        case .io(let operation, let path, _, let message):
            return "Could not \(operation) '\(path)': \(message)."
        case .notParquet(let path, let reason):
            return "'\(path)' is not a valid Parquet file: \(reason)"
        case .corruptMetadata(let reason):
            return "The Parquet metadata is corrupt: \(reason)"
        case .schemaMismatch(let reason):
            return "The batch does not match the file's schema: \(reason)"
        case .invalidOptions(let reason):
            return "Invalid Parquet writer options: \(reason)"
        case .compressionFailed(let codec, let reason):
            return "\(codec.name) compression failed: \(reason)."
        case .valueTooLarge(let column, let bytes):
            return "A value in column '\(column)' is \(bytes) bytes, more than a Parquet page can hold (2 GiB)."
        case .writerClosed:
            return "The Parquet writer was already closed; no more batches can be written."
        }
    }
}
