import FormatKit
import JSONFormat
import XMLFormat
import DBaseFormat
import CSVFormat
import AccessFormat
import PDFFormat
import ExcelFormat

/// The input formats pyforge reads, each a format module's `FormatSupport` paired with where
/// its options sit in a `ConvertRequest` (the one options schema). Every lookup by format
/// (the extension of a path, `formats`, `info`, `validate`, `--preview-schema`, opening an
/// input for conversion) goes through here; `InputFormat` is the key.
public enum FormatRegistry {
    /// In `pyforge formats` order (`InputFormat.allCases`).
    public static let formats: [RegisteredFormat] = [
        RegisteredFormat(.csv, CSVFormatSupport(), options: { $0.csv }),
        RegisteredFormat(.json, JSONFormatSupport(), options: { $0.jsonReading }),
        RegisteredFormat(.parquet, ParquetFormatSupport(), options: { _ in NoFormatOptions() }),
        RegisteredFormat(.xml, XMLFormatSupport(), options: { $0.xml }),
        RegisteredFormat(.excel, ExcelFormatSupport(), options: { $0.excel }),
        RegisteredFormat(.dbase, DBaseFormatSupport(), options: { $0.dbase }),
        RegisteredFormat(.access, AccessFormatSupport(), options: { $0.access }),
        RegisteredFormat(.pdf, PDFFormatSupport(), options: { $0.pdf }),
    ]

    /// The format `path`'s extension names (text formats also under a compression suffix:
    /// `data.csv.zst`; binary ones not: a `.parquet.gz` is not an input pyforge reads).
    public static func format(forPath path: String) -> RegisteredFormat? {
        formats.first { $0.claims(path) }
    }

    /// The registration of `format` (every `InputFormat` has one; `FormatRegistryTests` checks).
    public static func format(_ format: InputFormat) -> RegisteredFormat {
        guard let registered = formats.first(where: { $0.format == format }) else {
            preconditionFailure("The input format '\(format.rawValue)' has no entry in FormatRegistry.formats; add one.")
        }
        return registered
    }
}

/// One format in the registry: its facts, and its operations with the options taken from a
/// request (type-erased, so formats with different options sit in one list).
public struct RegisteredFormat: Sendable {
    public let format: InputFormat
    public let name: String
    public let displayName: String
    public let title: String
    public let extensions: [String]
    public let content: FormatContent
    let claims: @Sendable (String) -> Bool
    let inspect: @Sendable (String, ConvertRequest) throws(ConversionError) -> FileInfo
    let verify: @Sendable (String, ConvertRequest) throws(ConversionError) -> [String]
    let parts: @Sendable (String, ConvertRequest) throws(ConversionError) -> FormatParts?
    let open: @Sendable (FormatInput, ConvertRequest) throws(ConversionError) -> TableSource
    let companionRole: @Sendable (_ output: String, _ input: String) -> String?

    init<Support: FormatSupport>(
        _ format: InputFormat, _ support: Support, options: @escaping @Sendable (ConvertRequest) -> Support.Options
    ) {
        self.format = format
        name = support.name
        displayName = support.displayName
        title = support.title
        extensions = support.extensions
        content = support.content
        claims = { support.claims($0) }
        inspect = { path, request throws(ConversionError) in try support.inspect(path: path, options: options(request)) }
        verify = { path, request throws(ConversionError) in try support.verify(path: path, options: options(request)) }
        parts = { path, request throws(ConversionError) in try support.parts(path: path, options: options(request)) }
        open = { input, request throws(ConversionError) in try support.open(input, options: options(request)) }
        companionRole = { support.companionRole(of: $0, input: $1) }
    }

    /// Output formats the input converts to.
    public var outputs: [OutputFormat] {
        switch content {
        case .table: return [.parquet, .csv, .json, .ndjson, .delta]
        case .text: return [.text]
        case .infoOnly: return []
        }
    }

    /// What a conversion writes when neither `--format` nor the output's extension says.
    public var defaultOutput: OutputFormat { content == .text ? .text : .parquet }

    /// The input options that apply to the format (besides the output options), as
    /// `pyforge formats` lists them: read from `ConvertOption`'s table, the one the CLI and
    /// `serve` check requests against, so the list cannot drift from what is accepted.
    public var options: [String] {
        ConvertOption.allCases.filter { option in
            option != .previewSchema && option.inputs?.contains(format) == true
        }.map(\.flag)
    }
}

extension ConvertRequest {
    /// JSON's options as a conversion reads them: `--all-strings` given as the CSV option
    /// (the Python API's `all_strings`) applies to JSON too.
    var jsonReading: JSONOptions {
        var options = json
        options.allStrings = csv.allStrings || json.allStrings
        return options
    }
}
