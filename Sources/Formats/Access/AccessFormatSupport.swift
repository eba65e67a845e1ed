import FormatKit

/// Access databases as pyforge's registry knows them: one part (and output) per table.
public struct AccessFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "access" }
    public var displayName: String { "Access" }
    public var title: String { "Microsoft Access database (one output per table)" }
    public var extensions: [String] { [".mdb", ".accdb"] }
    public var content: FormatContent { .table }

    public func inspect(path: String, options: AccessOptions) throws(ConversionError) -> FileInfo {
        try AccessInspector.info(path: path, options: options)
    }

    /// The tables `--tables` selects, or every user table; each is read by opening the database again.
    public func parts(path: String, options: AccessOptions) throws(ConversionError) -> FormatParts? {
        let tables = try AccessSelection.tables(AccessDatabase(path: path), options)
        return FormatParts(names: tables, positions: [])
    }

    public func open(_ input: FormatInput, options: AccessOptions) throws(ConversionError) -> TableSource {
        try AccessSource.single(path: input.path, options: options)
    }
}
