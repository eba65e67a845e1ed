import Platform
import Values
import FormatKit
import CSVFormat
import Parquet
import PDFFormat
import Delta
import XMLFormat
import DBaseFormat

/// A `convert` option's value, parsed once from the text a user gave: a CLI argument (the
/// CLI binds these types) or a `pyforge serve` parameter (`ConvertOptions` decodes it). The
/// same text is refused for the same reason in both.
public protocol ConvertOptionValue: Sendable, Equatable {
    init(optionText: String) throws(OptionValueError)
    /// The text that parses back to this value.
    var optionText: String { get }
}

/// Why an option's text is not a value: what the option takes, or (when the parser has a
/// more precise story, as for --pages) a whole sentence.
public enum OptionValueError: Error, Sendable, CustomStringConvertible {
    case expected(String)
    case sentence(String)

    /// The reason on its own, as the CLI appends it to "The value 'x' is invalid for '--name'".
    public var description: String {
        switch self {
        case .expected(let what): return "use \(what)."
        case .sentence(let text): return text
        }
    }

    /// The sentence for a user who wrote `text` for the option spelled `name`.
    public func sentence(name: String, text: String) -> String {
        switch self {
        case .expected(let what): return "\(name) must be \(what); got '\(text)'."
        case .sentence(let text): return text
        }
    }
}

/// Options with a fixed set of names; matched case-insensitively.
public protocol ConvertOptionChoice: ConvertOptionValue, CaseIterable, RawRepresentable where RawValue == String {}

extension ConvertOptionChoice {
    public init(optionText: String) throws(OptionValueError) {
        guard let value = Self(rawValue: optionText.lowercased()) else {
            throw .expected("one of " + Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = value
    }

    public var optionText: String { rawValue }
}

extension XMLOptions.Flatten: ConvertOptionChoice {}
extension XMLOptions.Arrays: ConvertOptionChoice {}
extension XMLOptions.Namespaces: ConvertOptionChoice {}
extension DeltaWriteMode: ConvertOptionChoice {}

/// `--format`: an output format; `txt` is PyForge 1.x's name for text.
extension OutputFormat: ConvertOptionValue {
    public init(optionText: String) throws(OptionValueError) {
        let lower = optionText.lowercased()
        guard let format = lower == "txt" ? OutputFormat.text : OutputFormat(rawValue: lower) else {
            throw .expected("one of parquet, csv, json, ndjson, delta, or text (txt) for a PDF")
        }
        self = format
    }

    public var optionText: String { rawValue }
}

/// `--compression`: the Parquet codecs pyforge writes (`zstandard`, `gz` and `uncompressed` are accepted too).
public enum CompressionChoice: String, ConvertOptionChoice {
    case snappy, zstd, gzip
    case uncompressed = "none"

    public init(optionText: String) throws(OptionValueError) {
        switch OutputOptions.codec(named: optionText) {
        case .snappy?: self = .snappy
        case .zstd?: self = .zstd
        case .gzip?: self = .gzip
        case .uncompressed?: self = .uncompressed
        default: throw .expected("one of snappy, zstd, gzip, none")
        }
    }

    public var codec: CompressionCodec {
        switch self {
        case .snappy: return .snappy
        case .zstd: return .zstd
        case .gzip: return .gzip
        case .uncompressed: return .uncompressed
        }
    }
}

/// `--delimiter`: one ASCII character other than a quote or line break, or `\t` / `tab`.
public struct CSVDelimiter: ConvertOptionValue {
    public let optionText: String
    public let byte: UInt8

    public init(optionText: String) throws(OptionValueError) {
        guard let byte = CSVOptions.parseDelimiter(optionText) else {
            throw .expected("a single character other than a quote or line break, or '\\t'")
        }
        self.optionText = optionText
        self.byte = byte
    }
}

/// `--quote`: one character, or `none` when quotes are ordinary text.
public struct CSVQuote: ConvertOptionValue {
    public let optionText: String
    /// nil: `none`.
    public let byte: UInt8?

    public init(optionText: String) throws(OptionValueError) {
        guard let byte = CSVOptions.parseQuote(optionText) else {
            throw .expected("one character (\", ') or 'none'")
        }
        self.optionText = optionText
        self.byte = byte
    }
}

/// `--escape`: the quote itself (doubled quotes) or `\`.
public struct CSVEscape: ConvertOptionValue {
    public let optionText: String
    public let byte: UInt8

    public init(optionText: String) throws(OptionValueError) {
        guard let byte = CSVOptions.parseEscape(optionText) else {
            throw .expected("one character: the quote itself (doubled quotes) or '\\'")
        }
        self.optionText = optionText
        self.byte = byte
    }
}

/// `--encoding`: a CSV text encoding or a dBase code page (which one the input needs is
/// checked against the input, `ConvertOptions.checkEncoding`).
public struct InputEncodingName: ConvertOptionValue {
    public let optionText: String
    public var text: TextEncoding? { TextEncoding(name: optionText) }
    public var codePage: CodePage? { CodePage(name: optionText) }

    public init(optionText: String) throws(OptionValueError) {
        guard TextEncoding(name: optionText) != nil || CodePage(name: optionText) != nil else {
            throw .expected("one of \(TextEncoding.acceptedNames) (CSV), or \(CodePage.acceptedNames) (dBase)")
        }
        self.optionText = optionText
    }
}

/// `--pages 1-3,7,10-`.
extension PDFPageSelection: ConvertOptionValue {
    public init(optionText: String) throws(OptionValueError) {
        do throws(ConversionError) { try self.init(parsing: optionText) } catch { throw .sentence(error.description) }
    }

    public var optionText: String { description }
}

/// A list option (`--sheets`, `--tables`, `--null-values`, `--partition-by`): comma-separated
/// on the command line, a JSON array (or one comma-separated string) for `serve`.
public struct OptionList: ConvertOptionValue {
    public var items: [String]

    public init(_ items: [String]) { self.items = items }

    public init(optionText: String) {
        items = optionText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    public var optionText: String { items.joined(separator: ",") }

    /// The items without empty ones (table names, kept exactly as given).
    public var nonEmpty: [String] { items.filter { !$0.isEmpty } }

    /// The items without surrounding spaces, empty ones dropped (sheet and column names).
    public var names: [String] {
        items.map { String($0.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()) }.filter { !$0.isEmpty }
    }
}
