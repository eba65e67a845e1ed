// The Parquet footer and page-header structures we write and read back.

public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

public struct SchemaElement: Sendable, Hashable {
    public var name: String
    public var type: PhysicalType?
    public var typeLength: Int32?
    public var repetition: Repetition?
    public var numChildren: Int32?
    public var convertedType: ConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var logicalType: LogicalTypeAnnotation?

    public init(
        name: String, type: PhysicalType? = nil, typeLength: Int32? = nil, repetition: Repetition? = nil,
        numChildren: Int32? = nil, convertedType: ConvertedType? = nil, scale: Int32? = nil,
        precision: Int32? = nil, logicalType: LogicalTypeAnnotation? = nil
    ) {
        self.name = name
        self.type = type
        self.typeLength = typeLength
        self.repetition = repetition
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.logicalType = logicalType
    }
}

/// Column-chunk or page statistics. Values are PLAIN-encoded (byte arrays without length).
public struct Statistics: Sendable, Hashable {
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var minValue: [UInt8]?
    public var maxValue: [UInt8]?
    public var nanCount: Int64?
    /// The deprecated signed-order fields, written for old readers of numeric columns.
    public var legacyMin: [UInt8]?
    public var legacyMax: [UInt8]?

    public init(
        nullCount: Int64? = nil, distinctCount: Int64? = nil, minValue: [UInt8]? = nil, maxValue: [UInt8]? = nil,
        nanCount: Int64? = nil, legacyMin: [UInt8]? = nil, legacyMax: [UInt8]? = nil
    ) {
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.minValue = minValue
        self.maxValue = maxValue
        self.nanCount = nanCount
        self.legacyMin = legacyMin
        self.legacyMax = legacyMax
    }
}

public struct ColumnMetaData: Sendable, Hashable {
    public var type: PhysicalType
    public var encodings: [Encoding]
    public var pathInSchema: [String]
    public var codec: CompressionCodec
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var dataPageOffset: Int64
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
    public var encodingStats: [PageEncodingStats]
    /// Where the chunk's split-block bloom filter (header and bitset) is, when written.
    public var bloomFilterOffset: Int64? = nil
    public var bloomFilterLength: Int32? = nil
}

public struct PageEncodingStats: Sendable, Hashable {
    public var dictionaryPage: Bool
    public var encoding: Encoding
    public var count: Int32
}

public struct ColumnChunk: Sendable, Hashable {
    public var fileOffset: Int64
    public var metaData: ColumnMetaData
    /// Where the chunk's OffsetIndex and ColumnIndex are, when written.
    public var offsetIndexOffset: Int64? = nil
    public var offsetIndexLength: Int32? = nil
    public var columnIndexOffset: Int64? = nil
    public var columnIndexLength: Int32? = nil
}

public struct RowGroup: Sendable, Hashable {
    public var columns: [ColumnChunk]
    public var totalByteSize: Int64
    public var numRows: Int64
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
    public var ordinal: Int16?
}

public struct FileMetaData: Sendable, Hashable {
    public var version: Int32
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroup]
    public var keyValueMetadata: [KeyValue]
    public var createdBy: String?
    /// One entry per leaf column; `true` is TYPE_ORDER (the only order we write).
    public var columnOrdersAreTypeDefined: [Bool]
}

struct DataPageHeader {
    var numValues: Int32
    var encoding: Encoding
    var definitionLevelEncoding: Encoding
    var repetitionLevelEncoding: Encoding
    var statistics: Statistics?
}

struct DictionaryPageHeader {
    var numValues: Int32
    var encoding: Encoding
    var isSorted: Bool
}

struct PageHeader {
    var type: PageType
    var uncompressedPageSize: Int32
    var compressedPageSize: Int32
    var crc: Int32?
    var dataPageHeader: DataPageHeader?
    var dictionaryPageHeader: DictionaryPageHeader?
}
