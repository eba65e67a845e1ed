import FormatKit

/// JSON records as pyforge's registry knows them.
public struct JSONFormatSupport: ScannedTextFormat {
    public typealias Options = JSONOptions

    public init() {}

    public var name: String { "json" }
    public var displayName: String { "JSON" }
    public var title: String { "JSON records (array of objects, or NDJSON)" }
    public var extensions: [String] {
        [".json", ".jsonl", ".ndjson"] + InputCompression.compressedForms(".json", ".jsonl", ".ndjson")
    }

    public func source(path: String, options: JSONOptions) -> JSONSource {
        JSONSource(path: path, options: options)
    }
}

extension JSONSource: ScannableSource {}
