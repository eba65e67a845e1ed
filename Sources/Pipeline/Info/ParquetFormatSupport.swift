import FormatKit

/// Parquet as pyforge's registry knows it: described by `info` (the footer), never converted.
/// It lives in the pipeline because the Parquet module is a writer, which formats do not import.
public struct ParquetFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "parquet" }
    public var displayName: String { "Parquet" }
    public var title: String { "Apache Parquet (info only)" }
    public var extensions: [String] { [".parquet", ".pq"] }
    public var content: FormatContent { .infoOnly }

    public func inspect(path: String, options: NoFormatOptions) throws(ConversionError) -> FileInfo {
        try FileInspector.parquetInfo(path: path)
    }

    public func open(_ input: FormatInput, options: NoFormatOptions) throws(ConversionError) -> TableSource {
        throw .unsupportedConversion(input: "Parquet", output: "another format (use 'pyforge info' to inspect it)")
    }
}
