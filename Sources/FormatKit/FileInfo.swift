// The initializers are spelled out because Swift synthesizes only internal ones, and the formats
// (other modules) build these values.

/// What `pyforge info` reports about a file (also its `--format json` form).
public struct FileInfo: Codable, Sendable {
    public struct Column: Codable, Sendable {
        public var name: String
        public var type: String
        public var nullable: Bool
        /// Parquet only: physical type, logical annotation and repetition.
        public var physicalType: String?
        public var logicalType: String?

        public init(name: String, type: String, nullable: Bool, physicalType: String? = nil, logicalType: String? = nil) {
            (self.name, self.type, self.nullable, self.physicalType, self.logicalType) = (name, type, nullable, physicalType, logicalType)
        }

        enum CodingKeys: String, CodingKey {
            case name, type, nullable
            case physicalType = "physical_type"
            case logicalType = "logical_type"
        }
    }

    public struct ColumnChunk: Codable, Sendable {
        public var column: String
        public var codec: String
        public var encodings: [String]
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
        public var nullCount: Int64?
        public var min: String?
        public var max: String?

        public init(column: String, codec: String, encodings: [String], compressedBytes: Int64, uncompressedBytes: Int64, nullCount: Int64? = nil, min: String? = nil, max: String? = nil) {
            (self.column, self.codec, self.encodings, self.compressedBytes, self.uncompressedBytes, self.nullCount, self.min, self.max) = (column, codec, encodings, compressedBytes, uncompressedBytes, nullCount, min, max)
        }

        enum CodingKeys: String, CodingKey {
            case column, codec, encodings, min, max
            case compressedBytes = "compressed_bytes"
            case uncompressedBytes = "uncompressed_bytes"
            case nullCount = "null_count"
        }
    }

    public struct RowGroup: Codable, Sendable {
        public var rows: Int64
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
        public var columns: [ColumnChunk]

        public init(rows: Int64, compressedBytes: Int64, uncompressedBytes: Int64, columns: [ColumnChunk]) {
            (self.rows, self.compressedBytes, self.uncompressedBytes, self.columns) = (rows, compressedBytes, uncompressedBytes, columns)
        }

        enum CodingKeys: String, CodingKey {
            case rows, columns
            case compressedBytes = "compressed_bytes"
            case uncompressedBytes = "uncompressed_bytes"
        }
    }

    /// Excel only: one entry per worksheet.
    public struct Sheet: Codable, Sendable {
        public var index: Int
        public var name: String
        public var hidden: Bool
        public var dimension: String?
        public var rows: Int
        public var header: Bool
        public var columns: [Column]

        public init(index: Int, name: String, hidden: Bool, dimension: String? = nil, rows: Int, header: Bool, columns: [Column]) {
            (self.index, self.name, self.hidden, self.dimension, self.rows, self.header, self.columns) = (index, name, hidden, dimension, rows, header, columns)
        }
    }

    public var path: String
    public var format: String
    public var sizeBytes: Int64
    public var rows: Int
    public var columns: [Column]
    /// Format details: encoding, delimiter, header for CSV; created_by for Parquet.
    public var details: [String: String]
    public var rowGroups: [RowGroup]?
    public var warnings: [String]
    public var sheets: [Sheet]? = nil

    public init(path: String, format: String, sizeBytes: Int64, rows: Int, columns: [Column], details: [String: String], rowGroups: [RowGroup]? = nil, warnings: [String], sheets: [Sheet]? = nil) {
        (self.path, self.format, self.sizeBytes, self.rows, self.columns, self.details, self.rowGroups, self.warnings, self.sheets) = (path, format, sizeBytes, rows, columns, details, rowGroups, warnings, sheets)
    }

    enum CodingKeys: String, CodingKey {
        case path, format, rows, columns, details, warnings, sheets
        case sizeBytes = "size_bytes"
        case rowGroups = "row_groups"
    }
}

/// What `pyforge validate` reports.
public struct ValidationReport: Codable, Sendable {
    public var path: String
    public var valid: Bool
    public var format: String?
    public var rows: Int?
    public var columns: [FileInfo.Column]
    public var errors: [String]
    public var warnings: [String]

    public init(path: String, valid: Bool, format: String? = nil, rows: Int? = nil, columns: [FileInfo.Column], errors: [String], warnings: [String]) {
        (self.path, self.valid, self.format, self.rows, self.columns, self.errors, self.warnings) = (path, valid, format, rows, columns, errors, warnings)
    }

    enum CodingKeys: String, CodingKey {
        case path, valid, format, rows, columns, errors, warnings
    }

    /// Every key is always present (null when unknown), so scripts can rely on the shape.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(valid, forKey: .valid)
        try container.encode(format, forKey: .format)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
    }
}
