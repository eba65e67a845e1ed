/// How a delimited text file is laid out.
public struct CSVDialect: Sendable, Equatable, Codable {
    public var delimiter: UInt8
    public var quote: UInt8
    public var hasHeader: Bool
    public var encoding: TextEncoding

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), hasHeader: Bool = true, encoding: TextEncoding = .utf8) {
        self.delimiter = delimiter
        self.quote = quote
        self.hasHeader = hasHeader
        self.encoding = encoding
    }

    /// The delimiter as users write it (`,` `;` `\t` `|`).
    public var delimiterName: String {
        delimiter == 0x09 ? "\\t" : String(UnicodeScalar(delimiter))
    }
}

/// What the user told us about a CSV file; nil fields are sniffed.
public struct CSVOptions: Sendable, Equatable {
    public var delimiter: UInt8?
    public var hasHeader: Bool?
    public var encoding: TextEncoding?
    /// Rows with more fields than the header keep their first fields instead of failing.
    public var allowRagged: Bool
    /// Every column is a string holding the field's text exactly (PyForge 1.x behaviour).
    public var allStrings: Bool
    /// Field texts read as null besides the empty field (e.g. "NA", "NULL").
    public var nullValues: [String]

    public init(
        delimiter: UInt8? = nil, hasHeader: Bool? = nil, encoding: TextEncoding? = nil, allowRagged: Bool = false,
        allStrings: Bool = false, nullValues: [String] = []
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.encoding = encoding
        self.allowRagged = allowRagged
        self.allStrings = allStrings
        self.nullValues = nullValues
    }

    /// Parses a `--delimiter` value: one ASCII character, or `\t` / `tab`.
    public static func parseDelimiter(_ text: String) -> UInt8? {
        switch text {
        case "\\t", "tab", "TAB", "\t": return 0x09
        default:
            guard text.utf8.count == 1, let byte = text.utf8.first, byte < 0x80, byte != 0x0A, byte != 0x0D,
                byte != UInt8(ascii: "\"")
            else { return nil }
            return byte
        }
    }
}
