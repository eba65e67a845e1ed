import FormatKit

/// XML records as pyforge's registry knows them.
public struct XMLFormatSupport: ScannedTextFormat {
    public typealias Options = XMLOptions

    public init() {}

    public var name: String { "xml" }
    public var displayName: String { "XML" }
    public var title: String { "XML (records of repeated elements)" }
    public var extensions: [String] { [".xml"] + InputCompression.compressedForms(".xml") }

    public func source(path: String, options: XMLOptions) -> XMLSource {
        XMLSource(path: path, options: options)
    }
}

extension XMLSource: ScannableSource {}
