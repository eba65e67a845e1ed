import ArgumentParser
import Pipeline
import FormatKit
import CSVFormat
import DBaseFormat

/// How delimited text input is read (sniffed when not given).
struct CSVInputOptions: ConvertOptionGroup {
    @Option(help: "Field delimiter: one character, or '\\t' for tab. Sniffed by default (an Excel 'sep=;' first line is honoured).", transform: CSVDelimiter.argument)
    var delimiter: CSVDelimiter?

    @Option(help: "CSV quote character, or 'none' when quotes are ordinary text (exports from tools that never quote). Sniffed by default: \", ' or none.", transform: CSVQuote.argument)
    var quote: CSVQuote?

    @Option(help: "CSV escape inside quoted fields: the quote itself (doubled, \"\", the default) or '\\' (\\\"). Sniffed by default.", transform: CSVEscape.argument)
    var escape: CSVEscape?

    @Option(help: "Input text encoding. CSV: \(TextEncoding.acceptedNames) (detected by default). dBase: \(CodePage.acceptedNames) (default: the header's language driver byte).", transform: InputEncodingName.argument)
    var encoding: InputEncodingName?

    @Flag(help: "The first record is data, not column names.")
    var noHeader = false

    @Option(help: "CSV and Excel: drop the first N lines (sheet rows) before the header. By default title rows above a header are detected and skipped; 0 keeps them.")
    var skipRows: Int?

    @Flag(help: "Keep rows with more fields than the header (extra fields are dropped) instead of failing.")
    var allowRagged = false

    @Option(help: "Comma-separated texts read as null in addition to empty fields (e.g. NA,NULL).")
    var nullValues: OptionList?

    @Option(help: "CSV and JSON: the largest record in bytes (a line with its quoted line breaks, or a JSON record) read before the file is refused (default: 64 MiB = \(ResourceLimits.defaultMaxRecordBytes); at most 1 GiB).")
    var maxRecordBytes: Int?

    /// Refuses an --encoding the inputs cannot use (`ConvertOptions.checkEncoding`).
    func checkEncoding(for inputs: [String]) throws {
        for input in inputs {
            try usageError { () throws(ConversionError) in try convertOptions.checkEncoding(inputPath: input, name: .flag) }
        }
    }

    func fill(_ options: inout ConvertOptions) {
        options.delimiter = delimiter
        options.quote = quote
        options.escape = escape
        options.encoding = encoding
        options.noHeader = noHeader
        options.skipRows = skipRows
        options.allowRagged = allowRagged
        options.nullValues = nullValues
        options.maxRecordBytes = maxRecordBytes
    }
}

/// How JSON input is read.
struct JSONInputOptions: ConvertOptionGroup {
    // Optional, so that a --no-flatten given for other input can be told from the default.
    @Flag(inversion: .prefixedNo, help: "Flatten nested objects into dotted columns (address.city, the default); --no-flatten keeps them as JSON text.")
    var flatten: Bool?

    func fill(_ options: inout ConvertOptions) { options.flatten = flatten }
}

/// Which tables of an Access database are converted.
struct AccessInputOptions: ConvertOptionGroup {
    @Option(name: .shortAndLong, help: "Access: comma-separated table names to convert (default: every user table).")
    var tables: OptionList?

    // PyForge 1.x took a database password. mdbtools reads a Jet database whose password
    // is set (the password only guards Access's own UI), so it needs none; an encrypted
    // .accdb cannot be read at all, and the error then says so. A PDF uses it to decrypt.
    @Option(help: "PDF: the user or owner password of an encrypted document (one that opens without a password needs none). Access: accepted for PyForge 1.x scripts (a password-protected .mdb opens without it, an encrypted .accdb cannot be read).")
    var password: String?

    func fill(_ options: inout ConvertOptions) {
        options.tables = tables
        options.password = password
    }
}

/// How a dBase table is read (its code page comes from --encoding in the CSV group).
struct DBaseInputOptions: ConvertOptionGroup {
    @Flag(help: "dBase: keep records marked deleted, with a '_deleted' boolean column (default: skip them).")
    var includeDeleted = false

    func fill(_ options: inout ConvertOptions) { options.includeDeleted = includeDeleted }
}
