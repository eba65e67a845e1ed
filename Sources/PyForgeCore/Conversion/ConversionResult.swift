import Columnar

/// What `pyforge convert --json` prints and the Python API returns.
public struct ConversionResult: Codable, Sendable {
    public struct ColumnSummary: Codable, Sendable {
        public var name: String
        public var type: String
        public var nullable: Bool
    }

    public var success: Bool = true
    public var input: String
    public var output: String
    public var inputFormat: String
    public var format: String
    public var rows: Int
    public var columns: [ColumnSummary]
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var seconds: Double
    public var engine: String
    public var warnings: [String]
    public var details: [String: String]

    enum CodingKeys: String, CodingKey {
        case success, input, output, format, rows, columns, seconds, engine, warnings, details
        case inputFormat = "input_format"
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
    }

    static func columns(of schema: Schema) -> [ColumnSummary] {
        schema.fields.map { ColumnSummary(name: $0.name, type: $0.type.name, nullable: $0.nullable) }
    }
}
