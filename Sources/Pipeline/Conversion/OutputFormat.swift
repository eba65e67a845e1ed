/// What `pyforge convert` can write.
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    case parquet
    case csv
    case json
    case ndjson
    /// A Delta Lake table: a directory of Parquet files and a transaction log.
    case delta
    /// Plain UTF-8 text (PDF input only).
    case text

    public var fileExtension: String {
        switch self {
        case .parquet: return "parquet"
        case .csv: return "csv"
        case .json: return "json"
        case .ndjson: return "ndjson"
        case .delta: return ""
        case .text: return "txt"
        }
    }

    /// The format an output path's extension names, if any.
    public init?(pathExtension path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") { self = .parquet }
        else if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { self = .ndjson }
        else if lower.hasSuffix(".json") { self = .json }
        else { return nil }
    }
}
