import Parquet

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

/// How outputs are written.
public struct OutputOptions: Sendable {
    public var compression: CompressionCodec
    public var compressionLevel: Int?
    /// Rows per row group; nil means by size (about 128 MiB uncompressed).
    public var rowGroupRows: Int?
    public var rowGroupBytes: Int
    public var dictionary: Bool
    /// Columns that get a Parquet bloom filter (`--bloom-filter`).
    public var bloomFilterColumns: BloomFilterColumns = .none

    public init(
        compression: CompressionCodec = .snappy, compressionLevel: Int? = nil, rowGroupRows: Int? = nil,
        rowGroupBytes: Int = 128 << 20, dictionary: Bool = true
    ) {
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.rowGroupRows = rowGroupRows
        self.rowGroupBytes = rowGroupBytes
        self.dictionary = dictionary
    }

    /// Parses `--compression` values (snappy, zstd, gzip, none/uncompressed).
    public static func codec(named name: String) -> CompressionCodec? {
        switch name.lowercased() {
        case "snappy": return .snappy
        case "zstd", "zstandard": return .zstd
        case "gzip", "gz": return .gzip
        case "none", "uncompressed": return .uncompressed
        default: return nil
        }
    }
}
