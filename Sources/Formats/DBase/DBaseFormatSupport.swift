import FormatKit

/// dBase / FoxPro tables as pyforge's registry knows them.
public struct DBaseFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "dbf" }
    public var displayName: String { "dBase" }
    public var title: String { "dBase / FoxPro table (memo from .dbt/.fpt)" }
    public var extensions: [String] { [".dbf"] }
    public var content: FormatContent { .table }

    public func inspect(path: String, options: DBaseOptions) throws(ConversionError) -> FileInfo {
        try DBaseInspector.info(path: path, options: options)
    }

    public func open(_ input: FormatInput, options: DBaseOptions) throws(ConversionError) -> TableSource {
        DBaseSource(path: input.path, options: options)
    }

    /// The memo file (.dbt, .fpt) and the others a table comes with.
    public func companionRole(of output: String, input: String) -> String? {
        DBaseCompanionFiles.role(of: output, forTable: input)
    }
}
