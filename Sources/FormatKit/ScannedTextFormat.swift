import Columnar

/// A table source that can read its whole file without converting: the exact row count and
/// the schema that holds every value (what `info` prints for a text format).
public protocol ScannableSource: TableSource {
    associatedtype Reader: TableReader
    func scan() throws(ConversionError) -> (reader: Reader, rows: Int, schema: Schema)
}

/// A text format (CSV, JSON, XML): one table source on the path converts it, and `info`
/// scans that source to the end. Such a format names its source; the rest is shared.
public protocol ScannedTextFormat: FormatSupport {
    associatedtype Source: ScannableSource
    func source(path: String, options: Options) -> Source
}

extension ScannedTextFormat {
    public var content: FormatContent { .table }

    public func inspect(path: String, options: Options) throws(ConversionError) -> FileInfo {
        let (reader, rows, schema) = try source(path: path, options: options).scan()
        return .scanned(path: path, format: name, reader: reader, rows: rows, schema: schema)
    }

    public func open(_ input: FormatInput, options: Options) throws(ConversionError) -> TableSource {
        source(path: input.path, options: options)
    }
}
