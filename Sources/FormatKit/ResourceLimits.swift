/// The bounds every text reader keeps, so that no input can make pyforge use memory out
/// of proportion to it (a CSV line that never ends, 100,000 columns, XML nested 100,000
/// deep). Each limit, when hit, stops the conversion with a sentence that names the file,
/// the place, the limit and the way past it. README "Resource limits" lists them.
public enum ResourceLimits {
    /// Columns of one table: Excel's own maximum, far beyond any real export.
    public static let maxColumns = 16_384
    /// Default largest CSV record (line, with its quoted line breaks) or JSON record;
    /// `--max-record-bytes` raises it.
    public static let defaultMaxRecordBytes = 64 << 20
    /// The range `--max-record-bytes` accepts: below 1 MiB the readers' sniffing sample would
    /// not fit; above 1 GiB the CSV field index's 32-bit offsets would not.
    public static let recordBytesRange = (1 << 20)...(1 << 30)
    /// Element nesting of an XML document (libxml2's own default without XML_PARSE_HUGE).
    public static let maxXMLDepth = 256
    /// Cells of one reader batch (rows × columns): batches get fewer rows as tables get
    /// wider, so a batch's memory does not grow with the product.
    static let batchCells = 1 << 22

    /// Rows per batch for a table of `columns` columns, at most `rows`.
    public static func batchRows(_ rows: Int, columns: Int) -> Int {
        Swift.max(1, Swift.min(rows, batchCells / Swift.max(1, columns)))
    }

    /// The error for a table wider than `maxColumns`.
    public static func tooManyColumns(path: String, location: String) -> ConversionError {
        .malformedInput(
            path: path, location: location,
            reason: "the table has more than \(maxColumns) columns, the most pyforge reads (as Excel)",
            fix: "split the file into narrower tables, or check that it is the format its extension says")
    }

    /// The record limit the readers keep: `--max-record-bytes`, within the memory budget's
    /// share for one value.
    public static func recordLimit(_ requested: Int) -> Int {
        Swift.min(requested, MemoryBudget.current.valueBytes)
    }

    /// The error for a record larger than `limit` bytes (`recordLimit`).
    public static func recordTooLarge(path: String, location: String, limit: Int) -> ConversionError {
        let budget = MemoryBudget.current
        if limit >= budget.valueBytes {
            return budget.exceeded(path: path, location: location, what: "a record", limit: limit)
        }
        return .malformedInput(
            path: path, location: location,
            reason: "a record is longer than \(describeBytes(limit)), the --max-record-bytes limit",
            fix: "if the file really has records this long, pass a larger --max-record-bytes (for example --max-record-bytes \(limit * 4)); otherwise check its line ends and quotes")
    }

    /// `64 MiB` for whole mebibytes, else the byte count.
    static func describeBytes(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
