import FormatKit

/// XML records as pyforge's registry knows them.
public struct XMLFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "xml" }
    public var displayName: String { "XML" }
    public var title: String { "XML (records of repeated elements)" }
    public var extensions: [String] { [".xml"] + InputCompression.compressedForms(".xml") }
    public var content: FormatContent { .table }

    public func inspect(path: String, options: XMLOptions) throws(ConversionError) -> FileInfo {
        let (reader, rows, schema) = try XMLSource(path: path, options: options).scan()
        return .scanned(path: path, format: name, reader: reader, rows: rows, schema: schema)
    }

    public func open(_ input: FormatInput, options: XMLOptions) throws(ConversionError) -> TableSource {
        XMLSource(path: input.path, options: options)
    }
}
