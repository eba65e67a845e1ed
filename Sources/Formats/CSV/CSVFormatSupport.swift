import FormatKit

/// Delimited text as pyforge's registry knows it.
public struct CSVFormatSupport: ScannedTextFormat {
    public typealias Options = CSVOptions

    public init() {}

    public var name: String { "csv" }
    public var displayName: String { "CSV" }
    public var title: String { "CSV / TSV (delimited text)" }
    public var extensions: [String] { [".csv", ".tsv", ".tab", ".txt"] + InputCompression.compressedForms(".csv", ".tsv") }

    public func source(path: String, options: CSVOptions) -> CSVSource {
        CSVSource(path: path, options: options)
    }
}

extension CSVSource: ScannableSource {}
