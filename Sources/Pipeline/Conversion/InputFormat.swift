import FormatKit
/// The input formats pyforge recognises: the key of `FormatRegistry`, whose entries hold every
/// fact about a format (extensions, names, what it converts to).
public enum InputFormat: String, Sendable, CaseIterable, Codable {
    case csv
    case json
    case parquet
    case xml
    case excel = "xlsx"
    case dbase = "dbf"
    case access
    case pdf

    /// From the extension; text formats may add a compression suffix (`data.csv.zst`), binary
    /// ones may not (a `.parquet.gz` is not an input pyforge reads).
    public init?(path: String) {
        guard let registered = FormatRegistry.format(forPath: path) else { return nil }
        self = registered.format
    }

    /// The format's registry entry.
    public var registered: RegisteredFormat { FormatRegistry.format(self) }

    /// Output formats each input converts to.
    public var outputs: [OutputFormat] { registered.outputs }

    /// What a conversion writes when neither `--format` nor the output's extension says.
    public var defaultOutput: OutputFormat { registered.defaultOutput }

    /// The input options that apply to the format, as `pyforge formats` lists them.
    public var options: [String] { registered.options }

    public var extensions: [String] { registered.extensions }

    public var title: String { registered.title }

    /// The format's name in a sentence: CSV, Excel, dBase, Access.
    public var displayName: String { registered.displayName }

    public var content: FormatContent { registered.content }
}
