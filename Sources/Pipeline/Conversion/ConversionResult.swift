import Columnar

/// What `pyforge convert --json` prints and the Python API returns.
public struct ConversionResult: Codable, Sendable {
    public struct ColumnSummary: Codable, Sendable {
        public var name: String
        public var type: String
        public var nullable: Bool

        public init(name: String, type: String, nullable: Bool) {
            (self.name, self.type, self.nullable) = (name, type, nullable)
        }
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

    public init(
        input: String, output: String, inputFormat: String, format: String, rows: Int, columns: [ColumnSummary],
        bytesIn: Int64, bytesOut: Int64, seconds: Double, engine: String, warnings: [String], details: [String: String]
    ) {
        self.input = input
        self.output = output
        self.inputFormat = inputFormat
        self.format = format
        self.rows = rows
        self.columns = columns
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.seconds = seconds
        self.engine = engine
        self.warnings = warnings
        self.details = details
    }

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
