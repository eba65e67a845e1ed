import ExtensionProtocol
import Parquet
import PyForgeCore
import FormatKit
import CSVFormat

/// `convert` params of `pyforge serve`: the CLI's options by their snake_case names.
struct ServeConvertParams: Decodable {
    var input: String
    var output: String?
    var format: String?
    var force: Bool?
    var engine: String?
    var compression: String?
    var compression_level: Int?
    var row_group_size: Int?
    var all_strings: Bool?
    var delimiter: String?
    var quote: String?
    var escape: String?
    var encoding: String?
    var no_header: Bool?
    var skip_rows: Int?
    var allow_ragged: Bool?
    var null_values: [String]?
    var max_record_bytes: Int?
    var flatten: Bool?
    var sheets: [String]?
    var combine: Bool?
    var record_path: String?
    var row_tag: String?
    var mode: String?
    var merge_schema: Bool?
    var partition_by: [String]?
    var include_deleted: Bool?
    var tables: [String]?
    var pages: String?
    var metadata: Bool?
    var password: String?
    var table: String?
    var spark_remote: String?
    var spark_staging: String?

    /// The server's environment with this request's Spark endpoint and staging area, which
    /// the Databricks extension reads from SPARK_REMOTE and PYFORGE_SPARK_STAGING.
    func environment(_ base: [String: String]) -> [String: String] {
        var environment = base
        if let spark_remote { environment["SPARK_REMOTE"] = spark_remote }
        if let spark_staging { environment["PYFORGE_SPARK_STAGING"] = spark_staging }
        return environment
    }

    /// The scoped options this request sets (a false flag is the default, so not set;
    /// `flatten: false` is --no-flatten). Where each applies is `ConvertOption`'s table.
    var givenOptions: [ConvertOption] {
        let set: [(Bool, ConvertOption)] = [
            (compression != nil, .compression), (compression_level != nil, .compressionLevel), (row_group_size != nil, .rowGroupSize),
            (all_strings == true, .allStrings), (delimiter != nil, .delimiter), (quote != nil, .quote), (escape != nil, .escape),
            (encoding != nil, .encoding), (no_header == true, .noHeader), (skip_rows != nil, .skipRows), (allow_ragged == true, .allowRagged), (null_values != nil, .nullValues),
            (max_record_bytes != nil, .maxRecordBytes),
            (flatten == false, .noFlatten), (sheets != nil, .sheets), (combine == true, .combine),
            (record_path != nil, .recordPath), (row_tag != nil, .rowTag), (mode != nil, .mode), (merge_schema == true, .mergeSchema),
            (partition_by != nil, .partitionBy), (include_deleted == true, .includeDeleted), (tables != nil, .tables),
            (pages != nil, .pages), (metadata == true, .metadata), (password != nil, .password),
        ]
        return set.compactMap { $0.0 ? $0.1 : nil }
    }

    func request() throws(ConversionError) -> ConvertRequest {
        let allStrings = all_strings ?? false
        var format: OutputFormat? = nil
        if let name = self.format {
            guard let parsed = name.lowercased() == "txt" ? OutputFormat.text : OutputFormat(rawValue: name.lowercased()) else {
                throw .invalidOption("Unknown format '\(name)'. Use parquet, csv, json, ndjson or delta.")
            }
            format = parsed
        }
        // An option that would do nothing for this input and output is an error, as on the CLI.
        try ConvertOption.check(
            givenOptions, inputPath: input,
            output: table != nil ? .delta : ConvertOption.resolvedOutput(inputPath: input, outputPath: output, format: format),
            name: { "'\($0.parameterName)'" })
        guard let codec = OutputOptions.codec(named: compression ?? "snappy") else {
            throw .invalidOption("Unknown compression '\(compression ?? "")'. Use snappy, zstd, gzip or none.")
        }
        var encodingValue: TextEncoding? = nil
        let isDBase = InputFormat(path: input) == .dbase
        if let encoding, !isDBase {
            guard let parsed = TextEncoding(name: encoding) else { throw .invalidOption("Unknown encoding '\(encoding)'.") }
            encodingValue = parsed
        }
        var codePage: CodePage? = nil
        if let encoding, isDBase {
            guard let parsed = CodePage(name: encoding) else { throw .invalidOption("Unknown dBase code page '\(encoding)'.") }
            codePage = parsed
        }
        var pageSelection: PDFPageSelection? = nil
        if let pages { pageSelection = try PDFPageSelection(parsing: pages) }
        var delimiterValue: UInt8? = nil
        if let delimiter {
            guard let parsed = CSVOptions.parseDelimiter(delimiter) else { throw .invalidOption("Invalid delimiter '\(delimiter)'.") }
            delimiterValue = parsed
        }
        var quoteValue: UInt8?? = nil
        if let quote {
            guard let parsed = CSVOptions.parseQuote(quote) else { throw .invalidOption("Invalid quote '\(quote)'. Use one character (\", ') or 'none'.") }
            quoteValue = parsed
        }
        var escapeValue: UInt8? = nil
        if let escape {
            guard let parsed = CSVOptions.parseEscape(escape) else { throw .invalidOption("Invalid escape '\(escape)'. Use one character: the quote itself or '\\'.") }
            escapeValue = parsed
        }
        if let max_record_bytes, !ResourceLimits.recordBytesRange.contains(max_record_bytes) {
            throw .invalidOption("'max_record_bytes' must be between \(ResourceLimits.recordBytesRange.lowerBound) (1 MiB) and \(ResourceLimits.recordBytesRange.upperBound) (1 GiB); got \(max_record_bytes).")
        }
        if let skip_rows, skip_rows < 0 { throw .invalidOption("'skip_rows' must be 0 or more; got \(skip_rows).") }
        guard let modeValue = DeltaWriteMode(rawValue: (mode ?? "error").lowercased()) else {
            throw .invalidOption("Unknown mode '\(mode ?? "")'. Use error, append or overwrite.")
        }
        var request = ConvertRequest(
            inputPath: input, outputPath: output, format: format, force: force ?? false,
            csv: CSVOptions(
                delimiter: delimiterValue, quote: quoteValue, escape: escapeValue, hasHeader: (no_header ?? false) ? false : nil,
                encoding: encodingValue, skipRows: skip_rows, allowRagged: allow_ragged ?? false, allStrings: allStrings,
                nullValues: null_values ?? []),
            json: JSONOptions(flatten: flatten ?? true, allStrings: allStrings, recordPath: record_path.flatMap(JSONOptions.parseRecordPath)),
            output: OutputOptions(compression: codec, compressionLevel: compression_level, rowGroupRows: row_group_size),
            delta: DeltaOptions(mode: modeValue, mergeSchema: merge_schema ?? false, partitionBy: partition_by ?? []))
        request.excel = ExcelOptions(
            sheets: sheets ?? [], combine: combine ?? false, hasHeader: (no_header ?? false) ? false : nil, allStrings: allStrings,
            skipRows: skip_rows)
        var xml = XMLOptions()
        xml.recordPath = record_path.flatMap(XMLOptions.parseRecordPath)
        xml.rowTag = row_tag
        xml.allStrings = allStrings
        request.xml = xml
        request.dbase = DBaseOptions(encoding: codePage, includeDeleted: include_deleted ?? false)
        request.access = AccessOptions(tables: tables ?? [])
        request.pdf = PDFOptions(pages: pageSelection, pageMarkers: metadata ?? false, password: password)
        if let max_record_bytes {
            request.csv.maxRecordBytes = max_record_bytes
            request.json.maxRecordBytes = max_record_bytes
        }
        request.table = table
        return request
    }
}

struct ServePathParams: Decodable {
    var path: String
    /// An encrypted PDF's user or owner password.
    var password: String?
}
