import FormatKit

/// JSON records as pyforge's registry knows them.
public struct JSONFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "json" }
    public var displayName: String { "JSON" }
    public var title: String { "JSON records (array of objects, or NDJSON)" }
    public var extensions: [String] {
        [".json", ".jsonl", ".ndjson"] + InputCompression.compressedForms(".json", ".jsonl", ".ndjson")
    }
    public var content: FormatContent { .table }

    public func inspect(path: String, options: JSONOptions) throws(ConversionError) -> FileInfo {
        let (reader, rows, schema) = try JSONSource(path: path, options: options).scan()
        return .scanned(path: path, format: name, reader: reader, rows: rows, schema: schema)
    }

    public func open(_ input: FormatInput, options: JSONOptions) throws(ConversionError) -> TableSource {
        JSONSource(path: input.path, options: options)
    }
}
