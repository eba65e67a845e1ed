import Columnar
import Synchronization

/// One step of reading a table.
public enum ReadStep: Sendable {
    case batch(RecordBatch)
    /// A value did not fit its column's inferred type. The reader has scanned the rest of
    /// the input for the types that hold everything; the conversion must start over with
    /// them (nil: infer them again, e.g. after the text encoding changed).
    case restart(Schema?, reason: String)
    case end
}

extension RecordBatch {
    /// A batch a reader built column by column from `schema`: types, storage and row counts
    /// agree by construction. Should a reader ever break that, the conversion fails with a
    /// sentence naming the input instead of trapping. `location` is worked out only then.
    public static func assembled(
        _ schema: Schema, _ columns: [Column], path: String, location: @autoclosure () -> String
    ) throws(ConversionError) -> RecordBatch {
        do {
            return try RecordBatch(schema: schema, columns: columns)
        } catch {
            throw .malformedInput(path: path, location: location(), reason: error.description, fix: "report this file to the pyforge developers")
        }
    }
}

/// Bytes of input consumed, readable from another thread (the progress display).
public final class ProgressCounter: Sendable {
    private let consumed = Atomic<Int64>(0)
    private let rowCount = Atomic<Int64>(0)
    public let totalBytes: Int64

    public init(totalBytes: Int64) {
        self.totalBytes = totalBytes
    }

    public var bytesRead: Int64 { consumed.load(ordering: .relaxed) }
    public var rows: Int64 { rowCount.load(ordering: .relaxed) }

    public func setBytesRead(_ value: Int64) { consumed.store(value, ordering: .relaxed) }
    public func addRows(_ value: Int) { rowCount.add(Int64(value), ordering: .relaxed) }
    /// A worker process's counts, relayed to its parent (IsolatedConversion).
    public func setRows(_ value: Int64) { rowCount.store(value, ordering: .relaxed) }
    public func reset() {
        consumed.store(0, ordering: .relaxed)
        rowCount.store(0, ordering: .relaxed)
    }
}

/// A streaming reader of one input table, producing typed record batches.
public protocol TableReader: AnyObject {
    var schema: Schema { get }
    func next() throws(ConversionError) -> ReadStep
    /// Notes for the summary: rows repaired, values that forced wider types, and so on.
    var warnings: [String] { get }
    /// Format details for `info` and `--json` (delimiter, encoding, header…).
    var details: [(String, String)] { get }
}

/// An input that can be opened for reading, possibly more than once (after a restart).
public protocol TableSource {
    var path: String { get }
    var formatName: String { get }
    /// Opens a reader; with `schema`, the types are taken as given instead of inferred.
    func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader
}
