import FormatKit

/// Delimited text as pyforge's registry knows it.
public struct CSVFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "csv" }
    public var displayName: String { "CSV" }
    public var title: String { "CSV / TSV (delimited text)" }
    public var extensions: [String] { [".csv", ".tsv", ".tab", ".txt"] + InputCompression.compressedForms(".csv", ".tsv") }
    public var content: FormatContent { .table }

    public func inspect(path: String, options: CSVOptions) throws(ConversionError) -> FileInfo {
        let (reader, rows, schema) = try CSVSource(path: path, options: options).scan()
        return .scanned(path: path, format: name, reader: reader, rows: rows, schema: schema)
    }

    public func open(_ input: FormatInput, options: CSVOptions) throws(ConversionError) -> TableSource {
        CSVSource(path: input.path, options: options)
    }
}
