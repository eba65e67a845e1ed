import Platform
import Columnar

/// What a format gives pyforge: its names and extensions, and how to describe (`info`), split
/// (sheets, tables) and read one of its files. Each format module exports one conforming value;
/// the pipeline's registry pairs it with its options and does every lookup by format through
/// it, so a format's facts live in its own module and nowhere else.
public protocol FormatSupport: Sendable {
    /// The format's options (`CSVOptions`, `ExcelOptions`…; `NoFormatOptions` when it has none).
    associatedtype Options: Sendable
    /// As `info` prints it: "csv", "xlsx", "access".
    var name: String { get }
    /// In a sentence: "CSV", "Excel", "dBase".
    var displayName: String { get }
    /// As `pyforge formats` lists it.
    var title: String { get }
    /// Lower case with the dot, as `pyforge formats` lists them. A text format also lists its
    /// compressed forms (`.csv.gz`); then every plain extension of it takes a compression suffix.
    var extensions: [String] { get }
    var content: FormatContent { get }
    /// `info` and `--preview-schema`: the file read far enough to describe it.
    func inspect(path: String, options: Options) throws(ConversionError) -> FileInfo
    /// `validate`: what `inspect` does not read (a PDF's page text), as further warnings.
    func verify(path: String, options: Options) throws(ConversionError) -> [String]
    /// The parts of a file that convert to one output each (sheets, tables); nil for a format
    /// without parts.
    func parts(path: String, options: Options) throws(ConversionError) -> FormatParts?
    /// The file as a table source (for `.table` content; the others refuse with a sentence).
    func open(_ input: FormatInput, options: Options) throws(ConversionError) -> TableSource
    /// What `output` is to the input file when it is one of the files the input belongs with
    /// (a dBase table's memo file), so that a conversion never writes over it; nil otherwise.
    func companionRole(of output: String, input: String) -> String?
}

extension FormatSupport {
    public func verify(path: String, options: Options) throws(ConversionError) -> [String] { [] }
    public func parts(path: String, options: Options) throws(ConversionError) -> FormatParts? { nil }
    public func companionRole(of output: String, input: String) -> String? { nil }

    /// The extensions without a compression suffix.
    public var plainExtensions: [String] { extensions.filter { InputCompression(path: $0) == .none } }

    /// Whether the format's files may be compressed (`data.csv.zst`): text formats list such forms.
    public var readsCompressed: Bool { plainExtensions.count != extensions.count }

    /// Whether `path` (any case) names a file of this format.
    public func claims(_ path: String) -> Bool {
        let (inner, compression) = InputCompression.split(path)
        guard compression == .none || readsCompressed else { return false }
        let lower = inner.lowercased()
        return plainExtensions.contains { lower.hasSuffix($0) }
    }
}

/// What a format's files hold, which decides what they convert to.
public enum FormatContent: Sendable, Equatable {
    /// Rows and columns: converts to Parquet, Delta, CSV, JSON.
    case table
    /// Text (a PDF): converts to text only.
    case text
    /// Described by `info` only, not converted (Parquet).
    case infoOnly
}

/// A format without options.
public struct NoFormatOptions: Sendable, Equatable {
    public init() {}
}

/// An input to open: its path, and what `parts` opened to list the parts (a workbook), which
/// `open` reads from instead of opening the file again.
public struct FormatInput {
    public let path: String
    public let opened: AnyObject?

    public init(path: String, opened: AnyObject? = nil) {
        self.path = path
        self.opened = opened
    }
}

/// The parts of an input that convert to one output each, in output order.
public struct FormatParts {
    public let names: [String]
    /// Each part's position in the file (a sheet's index in the workbook).
    public let positions: [Int]
    /// What was opened to list them, handed back to `open` (`FormatInput.opened`); nil when
    /// reading a part opens the file again.
    public let opened: AnyObject?

    public init(names: [String], positions: [Int], opened: AnyObject? = nil) {
        self.names = names
        self.positions = positions
        self.opened = opened
    }
}

extension FileInfo {
    /// The description of a table read to its end by `reader` (`rows` rows of `schema`).
    public static func scanned(path: String, format: String, reader: TableReader, rows: Int, schema: Schema) -> FileInfo {
        FileInfo(
            path: path, format: format, sizeBytes: fileSize(path), rows: rows,
            columns: schema.fields.map { FileInfo.Column(name: $0.name, type: $0.type.name, nullable: $0.nullable) },
            details: Dictionary(reader.details, uniquingKeysWith: { a, _ in a }), rowGroups: nil, warnings: reader.warnings)
    }
}

extension InputCompression {
    /// `.csv.gz`, `.csv.bz2`, `.csv.zst`… of each extension, as a text format lists them.
    public static func compressedForms(_ extensions: String...) -> [String] {
        extensions.flatMap { ext in allCases.compactMap { $0.suffix.map { ext + $0 } } }
    }
}
