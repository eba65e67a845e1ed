/// How pyforge writes Parquet files, as the user chose (`--compression`, `--row-group-size`,
/// `--bloom-filter`…): the Parquet output and a Delta table's data files share it. Every
/// field is Parquet's, so it lives with the writer rather than in FormatKit.
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
