// Enumerations of the Parquet format (parquet.thrift), with the spec's numeric values.

public enum PhysicalType: Int32, Sendable, CaseIterable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5
    case byteArray = 6, fixedLenByteArray = 7

    public var name: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .int96: return "INT96"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .byteArray: return "BYTE_ARRAY"
        case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

/// The legacy type annotation, still written so that old readers understand the file.
public enum ConvertedType: Int32, Sendable {
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, enumeration = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14
    case int8 = 15, int16 = 16, int32 = 17, int64 = 18, json = 19, bson = 20, interval = 21
}

public enum Repetition: Int32, Sendable {
    case required = 0, optional = 1, repeated = 2
}

public enum Encoding: Int32, Sendable, CaseIterable {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9

    public var name: String {
        switch self {
        case .plain: return "PLAIN"
        case .plainDictionary: return "PLAIN_DICTIONARY"
        case .rle: return "RLE"
        case .bitPacked: return "BIT_PACKED"
        case .deltaBinaryPacked: return "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: return "DELTA_BYTE_ARRAY"
        case .rleDictionary: return "RLE_DICTIONARY"
        case .byteStreamSplit: return "BYTE_STREAM_SPLIT"
        }
    }
}

public enum CompressionCodec: Int32, Sendable, CaseIterable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    public var name: String {
        switch self {
        case .uncompressed: return "UNCOMPRESSED"
        case .snappy: return "SNAPPY"
        case .gzip: return "GZIP"
        case .lzo: return "LZO"
        case .brotli: return "BROTLI"
        case .lz4: return "LZ4"
        case .zstd: return "ZSTD"
        case .lz4Raw: return "LZ4_RAW"
        }
    }
}

enum PageType: Int32 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

/// The newer type annotation (LogicalType union).
public enum LogicalTypeAnnotation: Sendable, Hashable {
    case string
    case map
    case list
    case enumeration
    case decimal(precision: Int32, scale: Int32)
    case date
    case time(utc: Bool, unit: TimeUnit)
    case timestamp(utc: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    case unknown
    case json
    case bson
    case uuid
    case other(fieldID: Int16)

    public enum TimeUnit: Int16, Sendable, Hashable {
        case millis = 1, micros = 2, nanos = 3
    }

    public var name: String {
        switch self {
        case .string: return "String"
        case .map: return "Map"
        case .list: return "List"
        case .enumeration: return "Enum"
        case .decimal(let p, let s): return "Decimal(precision=\(p), scale=\(s))"
        case .date: return "Date"
        case .time(let utc, let unit): return "Time(isAdjustedToUTC=\(utc), unit=\(unit))"
        case .timestamp(let utc, let unit): return "Timestamp(isAdjustedToUTC=\(utc), unit=\(unit))"
        case .integer(let bits, let signed): return "Int(bitWidth=\(bits), isSigned=\(signed))"
        case .unknown: return "Null"
        case .json: return "JSON"
        case .bson: return "BSON"
        case .uuid: return "UUID"
        case .other(let id): return "LogicalType#\(id)"
        }
    }
}
