import FormatKit
import Parquet

/// A Parquet writer's failure as the conversion's error (kept here, in the lowest module that
/// sees both, so the error type itself does not depend on the writer).
extension ConversionError {
    public init(_ error: ParquetError, output: String) {
        switch error {
        case .io(let operation, _, _, let message):
            self = .io(operation: operation, path: output, reason: message)
        default:
            self = .outputFailed(path: output, reason: error.description)
        }
    }
}
