import ArgumentParser
import PyForgeCore
import FormatKit
import CSVFormat

/// How delimited text input is read (sniffed when not given).
struct CSVInputOptions: ParsableArguments {
    @Option(help: "Field delimiter: one character, or '\\t' for tab. Sniffed by default (an Excel 'sep=;' first line is honoured).")
    var delimiter: String?

    @Option(help: "CSV quote character, or 'none' when quotes are ordinary text (exports from tools that never quote). Sniffed by default: \", ' or none.")
    var quote: String?

    @Option(help: "CSV escape inside quoted fields: the quote itself (doubled, \"\", the default) or '\\' (\\\"). Sniffed by default.")
    var escape: String?

    @Option(help: "Input text encoding. CSV: \(TextEncoding.acceptedNames) (detected by default). dBase: \(CodePage.acceptedNames) (default: the header's language driver byte).")
    var encoding: String?

    @Flag(help: "The first record is data, not column names.")
    var noHeader = false

    @Option(help: "CSV and Excel: drop the first N lines (sheet rows) before the header. By default title rows above a header are detected and skipped; 0 keeps them.")
    var skipRows: Int?

    @Flag(help: "Keep rows with more fields than the header (extra fields are dropped) instead of failing.")
    var allowRagged = false

    @Option(help: "Comma-separated texts read as null in addition to empty fields (e.g. NA,NULL).")
    var nullValues: String?

    @Option(help: "CSV and JSON: the largest record in bytes (a line with its quoted line breaks, or a JSON record) read before the file is refused (default: 64 MiB = \(ResourceLimits.defaultMaxRecordBytes); at most 1 GiB).")
    var maxRecordBytes: Int?

    func validate() throws {
        if let delimiter, CSVOptions.parseDelimiter(delimiter) == nil {
            throw ValidationError("--delimiter must be a single character other than a quote or line break, or '\\t'; got '\(delimiter)'.")
        }
        if let quote, CSVOptions.parseQuote(quote) == nil {
            throw ValidationError("--quote must be one character (\", ') or 'none'; got '\(quote)'.")
        }
        if let escape, CSVOptions.parseEscape(escape) == nil {
            throw ValidationError("--escape must be one character: the quote itself (doubled quotes) or '\\'; got '\(escape)'.")
        }
        if let conflict = csvOptions(allStrings: false).dialectConflict() { throw ValidationError(conflict) }
        if let maxRecordBytes, !ResourceLimits.recordBytesRange.contains(maxRecordBytes) {
            throw ValidationError("--max-record-bytes must be between \(ResourceLimits.recordBytesRange.lowerBound) (1 MiB) and \(ResourceLimits.recordBytesRange.upperBound) (1 GiB); got \(maxRecordBytes).")
        }
        if let skipRows, skipRows < 0 {
            throw ValidationError("--skip-rows must be 0 or more; got \(skipRows).")
        }
        if let encoding, TextEncoding(name: encoding) == nil, CodePage(name: encoding) == nil {
            throw ValidationError("Unknown --encoding '\(encoding)'. Use one of: \(TextEncoding.acceptedNames) (CSV), or \(CodePage.acceptedNames) (dBase).")
        }
    }

    /// Refuses an --encoding the inputs cannot use, instead of ignoring it: CSV reads the
    /// text encodings (utf-8, utf-16, windows-1252, latin-1), a dBase table the code pages.
    func checkEncoding(for inputs: [String]) throws {
        guard let encoding else { return }
        for input in inputs {
            switch InputFormat(path: input) {
            case .csv? where TextEncoding(name: encoding) == nil:
                throw ValidationError(
                    "--encoding '\(encoding)' is a dBase code page; CSV input ('\(input)') is read as one of: \(TextEncoding.acceptedNames). "
                        + "Re-encode the file as UTF-8 first (for example: iconv -f \(encoding) -t utf-8).")
            case .dbase? where CodePage(name: encoding) == nil:
                throw ValidationError(
                    "--encoding '\(encoding)' is not a dBase code page ('\(input)'). Use one of: \(CodePage.acceptedNames).")
            default:
                continue
            }
        }
    }

    /// The scoped options given, for `ConvertOption.check`.
    var given: [ConvertOption] {
        [(delimiter != nil, ConvertOption.delimiter), (quote != nil, .quote), (escape != nil, .escape), (encoding != nil, .encoding),
         (noHeader, .noHeader), (skipRows != nil, .skipRows), (allowRagged, .allowRagged), (nullValues != nil, .nullValues),
         (maxRecordBytes != nil, .maxRecordBytes)]
            .compactMap { $0.0 ? $0.1 : nil }
    }

    func csvOptions(allStrings: Bool) -> CSVOptions {
        var options = CSVOptions(
            delimiter: delimiter.flatMap(CSVOptions.parseDelimiter), quote: quote.flatMap(CSVOptions.parseQuote),
            escape: escape.flatMap(CSVOptions.parseEscape), hasHeader: noHeader ? false : nil,
            encoding: encoding.flatMap(TextEncoding.init(name:)), skipRows: skipRows, allowRagged: allowRagged, allStrings: allStrings,
            nullValues: nullValues.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? [])
        if let maxRecordBytes { options.maxRecordBytes = maxRecordBytes }
        return options
    }
}

/// How JSON input is read.
struct JSONInputOptions: ParsableArguments {
    // Optional, so that a --no-flatten given for other input can be told from the default.
    @Flag(inversion: .prefixedNo, help: "Flatten nested objects into dotted columns (address.city, the default); --no-flatten keeps them as JSON text.")
    var flatten: Bool?

    var given: [ConvertOption] { flatten == nil ? [] : [.noFlatten] }

    var options: JSONOptions { options(allStrings: false) }

    /// `recordPath` is --record-path, shared with XML input (members separated by '.').
    /// `maxRecordBytes` is --max-record-bytes, shared with CSV input.
    func options(allStrings: Bool, recordPath: String? = nil, maxRecordBytes: Int? = nil) -> JSONOptions {
        var options = JSONOptions(flatten: flatten ?? true, allStrings: allStrings, recordPath: recordPath.flatMap(JSONOptions.parseRecordPath))
        if let maxRecordBytes { options.maxRecordBytes = maxRecordBytes }
        return options
    }
}

/// Which tables of an Access database are converted.
struct AccessInputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Access: comma-separated table names to convert (default: every user table).")
    var tables: String?

    // PyForge 1.x took a database password. mdbtools reads a Jet database whose password
    // is set (the password only guards Access's own UI), so it needs none; an encrypted
    // .accdb cannot be read at all, and the error then says so. A PDF uses it to decrypt.
    @Option(help: "PDF: the user or owner password of an encrypted document (one that opens without a password needs none). Access: accepted for PyForge 1.x scripts (a password-protected .mdb opens without it, an encrypted .accdb cannot be read).")
    var password: String?

    var given: [ConvertOption] { [(tables != nil, ConvertOption.tables), (password != nil, .password)].compactMap { $0.0 ? $0.1 : nil } }

    var options: AccessOptions {
        AccessOptions(tables: tables.map { $0.split(separator: ",").map { String($0) }.filter { !$0.isEmpty } } ?? [])
    }
}

/// How a dBase table is read (its code page comes from --encoding in the CSV group).
struct DBaseInputOptions: ParsableArguments {
    @Flag(help: "dBase: keep records marked deleted, with a '_deleted' boolean column (default: skip them).")
    var includeDeleted = false

    var given: [ConvertOption] { includeDeleted ? [.includeDeleted] : [] }

    func options(encoding: String?) -> DBaseOptions {
        DBaseOptions(encoding: encoding.flatMap(CodePage.init(name:)), includeDeleted: includeDeleted)
    }
}
