import Columnar

/// How a `ParquetFileWriter` lays out and compresses the file.
public struct WriterOptions: Sendable {
    public var compression: CompressionCodec
    /// Codec level for ZSTD (default 3) and GZIP (default 6); ignored by the others.
    public var compressionLevel: Int?
    /// A row group is closed when its encoded, uncompressed size reaches this.
    public var rowGroupBytes: Int
    /// ... or when it holds this many rows.
    public var rowGroupRows: Int
    /// Target PLAIN size of a data page.
    public var pageBytes: Int
    /// The most value bytes a byte-array column buffers for one page: a slice of rows that
    /// would pass it ends the page first, since a page's sizes and the buffer's offsets
    /// are 32-bit. A single value larger than this is refused (`valueTooLarge`).
    public var byteArrayPageLimit: Int
    public var dictionaryEnabled: Bool
    /// A chunk falls back to PLAIN when its dictionary page would exceed this.
    public var dictionaryPageLimit: Int
    /// Application name and version written as `created_by`.
    public var createdBy: String
    public var keyValueMetadata: [KeyValue]
    /// Encode and compress the columns of a batch on several cores.
    public var parallelColumns: Bool
    /// Integer pages without a dictionary use DELTA_BINARY_PACKED when it is smaller.
    public var deltaEncoding: Bool
    /// Write each column chunk's ColumnIndex and OffsetIndex (the page index) before the footer.
    public var pageIndex: Bool
    /// The columns that get a split-block bloom filter per column chunk.
    public var bloomFilterColumns: BloomFilterColumns

    public init(
        compression: CompressionCodec = .snappy,
        compressionLevel: Int? = nil,
        rowGroupBytes: Int = 128 * 1024 * 1024,
        rowGroupRows: Int = 64 * 1024 * 1024,
        pageBytes: Int = 1024 * 1024,
        dictionaryEnabled: Bool = true,
        dictionaryPageLimit: Int = 1024 * 1024,
        createdBy: String = "pyforge",
        keyValueMetadata: [KeyValue] = [],
        parallelColumns: Bool = true,
        deltaEncoding: Bool = true,
        byteArrayPageLimit: Int = Int(Int32.max) / 2,
        pageIndex: Bool = true,
        bloomFilterColumns: BloomFilterColumns = .none
    ) {
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.rowGroupBytes = rowGroupBytes
        self.rowGroupRows = rowGroupRows
        self.pageBytes = pageBytes
        self.dictionaryEnabled = dictionaryEnabled
        self.dictionaryPageLimit = dictionaryPageLimit
        self.createdBy = createdBy
        self.keyValueMetadata = keyValueMetadata
        self.parallelColumns = parallelColumns
        self.deltaEncoding = deltaEncoding
        self.byteArrayPageLimit = byteArrayPageLimit
        self.pageIndex = pageIndex
        self.bloomFilterColumns = bloomFilterColumns
    }

    func validate() throws(ParquetError) {
        guard rowGroupBytes > 0, rowGroupRows > 0 else { throw .invalidOptions("row group limits must be positive") }
        guard byteArrayPageLimit > 0, byteArrayPageLimit <= Int(Int32.max) / 2 else {
            throw .invalidOptions("the byte-array page limit must be between 1 and 1 GiB")
        }
        guard pageBytes > 0 else { throw .invalidOptions("the page size must be positive") }
        guard dictionaryPageLimit > 0 else { throw .invalidOptions("the dictionary page limit must be positive") }
    }
}

/// Which columns get bloom filters.
public enum BloomFilterColumns: Sendable, Hashable {
    case none
    /// Every column except BOOLEAN ones (the spec defines no filter for them).
    case all
    case named([String])

    func includes(_ name: String) -> Bool {
        switch self {
        case .none: return false
        case .all: return true
        case .named(let names): return names.contains(name)
        }
    }

    /// Names that are not columns of `schema`, which would otherwise be silently ignored.
    func unknownNames(in schema: Schema) -> [String] {
        guard case .named(let names) = self else { return [] }
        let columns = Set(schema.fields.map(\.name))
        return names.filter { !columns.contains($0) }
    }
}
