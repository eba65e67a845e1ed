import FormatKit
/// How a delimited text file is laid out.
public struct CSVDialect: Sendable, Equatable, Codable {
    public var delimiter: UInt8
    /// The quote character; nil when quotes are ordinary characters (files from tools that never quote).
    public var quote: UInt8?
    /// Inside a quoted field, this byte before a quote (or before itself) makes that byte
    /// literal. Equal to `quote` for RFC 4180's doubled quotes (""), or `\` for \".
    public var escape: UInt8
    public var hasHeader: Bool
    public var encoding: TextEncoding

    public static let doubleQuote = UInt8(ascii: "\"")
    public static let backslash = UInt8(ascii: "\\")

    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = CSVDialect.doubleQuote, escape: UInt8? = nil,
        hasHeader: Bool = true, encoding: TextEncoding = .utf8
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape ?? quote ?? CSVDialect.doubleQuote
        self.hasHeader = hasHeader
        self.encoding = encoding
    }

    /// The delimiter as users write it (`,` `;` `\t` `|`).
    public var delimiterName: String {
        delimiter == 0x09 ? "\\t" : String(UnicodeScalar(delimiter))
    }

    /// The quote as `--quote` takes it: the character, or `none`.
    public var quoteName: String {
        quote.map { String(UnicodeScalar($0)) } ?? "none"
    }

    /// The escape as `--escape` takes it; `none` without quotes (nothing to escape).
    public var escapeName: String {
        quote == nil ? "none" : String(UnicodeScalar(escape))
    }
}

/// What the user told us about a CSV file; nil fields are sniffed.
public struct CSVOptions: Sendable, Equatable {
    public var delimiter: UInt8?
    /// `--quote`: `.some(nil)` is `--quote none`.
    public var quote: UInt8??
    public var escape: UInt8?
    public var hasHeader: Bool?
    public var encoding: TextEncoding?
    /// Lines dropped from the top before the header (after an Excel `sep=` line); nil:
    /// title rows above the header are detected (`TitleRows`).
    public var skipRows: Int?
    /// Rows with more fields than the header keep their first fields instead of failing.
    public var allowRagged: Bool
    /// Every column is a string holding the field's text exactly (PyForge 1.x behaviour).
    public var allStrings: Bool
    /// Field texts read as null besides the empty field (e.g. "NA", "NULL").
    public var nullValues: [String]
    /// The largest record (with its quoted line breaks) read before refusing the file.
    public var maxRecordBytes = ResourceLimits.defaultMaxRecordBytes

    public init(
        delimiter: UInt8? = nil, quote: UInt8?? = nil, escape: UInt8? = nil, hasHeader: Bool? = nil,
        encoding: TextEncoding? = nil, skipRows: Int? = nil, allowRagged: Bool = false, allStrings: Bool = false,
        nullValues: [String] = []
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape
        self.hasHeader = hasHeader
        self.encoding = encoding
        self.skipRows = skipRows
        self.allowRagged = allowRagged
        self.allStrings = allStrings
        self.nullValues = nullValues
    }

    /// Parses a `--delimiter` value: one ASCII character, or `\t` / `tab`.
    public static func parseDelimiter(_ text: String) -> UInt8? {
        switch text {
        case "\\t", "tab", "TAB", "\t": return 0x09
        default:
            guard let byte = singleCharacter(text), byte != CSVDialect.doubleQuote else { return nil }
            return byte
        }
    }

    /// Parses a `--quote` value: one ASCII character, or `none` (quotes are ordinary
    /// characters). The outer nil means the value is invalid.
    public static func parseQuote(_ text: String) -> UInt8?? {
        if text.lowercased() == "none" || text.isEmpty { return .some(nil) }
        guard let byte = singleCharacter(text), byte != 0x09, byte != UInt8(ascii: " ") else { return nil }
        return .some(byte)
    }

    /// Parses an `--escape` value: one ASCII character (`\` or the quote itself).
    public static func parseEscape(_ text: String) -> UInt8? {
        guard let byte = singleCharacter(text), byte != 0x09, byte != UInt8(ascii: " ") else { return nil }
        return byte
    }

    /// Why the given quote, escape and delimiter cannot work together, or nil. `name` spells
    /// an option as the user wrote it (`--quote` on the command line, `'quote'` for serve).
    public func dialectConflict(name: (String) -> String = { "--" + $0 }) -> String? {
        if let quote = quote ?? nil, let delimiter, quote == delimiter {
            return "\(name("quote")) and \(name("delimiter")) are both '\(String(UnicodeScalar(quote)))'; a field could never be told from its quotes. Pass different characters."
        }
        if let escape, case .some(nil) = quote {
            return "\(name("escape")) '\(String(UnicodeScalar(escape)))' has nothing to escape with \(name("quote")) none. Remove one of them."
        }
        return nil
    }

    private static func singleCharacter(_ text: String) -> UInt8? {
        guard text.utf8.count == 1, let byte = text.utf8.first, byte < 0x80, byte != 0x0A, byte != 0x0D else { return nil }
        return byte
    }
}
