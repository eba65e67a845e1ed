import Platform
import Values
import FormatKit
import CSVFormat
import Parquet
import AccessFormat
import PDFFormat
import ExcelFormat
import Delta
import JSONFormat
import XMLFormat
import DBaseFormat

/// Every `convert` option, typed: the one schema the CLI's option groups fill, `pyforge serve`
/// decodes (by the snake_case coding keys), and the Python API's `convert` parameters
/// mirror. `Tests/EndToEnd/test_option_parity.py` fails when the CLI has an option that
/// serve or Python lacks. nil (or false) is "not given": the reader's default applies.
public struct ConvertOptions: Sendable, Equatable {
    public var format: OutputFormat?
    public var force = false
    /// auto, core, spark, or an extension's name (an open set, so text).
    public var engine: String?
    public var compression: CompressionChoice?
    public var compressionLevel: Int?
    public var rowGroupSize: Int?
    /// Columns given a Parquet bloom filter, or `all`.
    public var bloomFilter: OptionList?
    public var allStrings = false
    public var delimiter: CSVDelimiter?
    public var quote: CSVQuote?
    public var escape: CSVEscape?
    public var encoding: InputEncodingName?
    public var noHeader = false
    public var skipRows: Int?
    public var allowRagged = false
    public var nullValues: OptionList?
    public var maxRecordBytes: Int?
    /// JSON: false is --no-flatten.
    public var flatten: Bool?
    /// XML: `catalog/book`; JSON: `data.items` (checked against the input's format).
    public var recordPath: String?
    public var rowTag: String?
    public var flattenStrategy: XMLOptions.Flatten?
    public var arrayHandling: XMLOptions.Arrays?
    public var namespaceHandling: XMLOptions.Namespaces?
    public var sheets: OptionList?
    public var combine = false
    public var separate = false
    public var header = false
    public var includeDeleted = false
    public var tables: OptionList?
    public var password: String?
    public var pages: PDFPageSelection?
    public var metadata = false
    public var mode: DeltaWriteMode?
    public var mergeSchema = false
    public var partitionBy: OptionList?
    public var table: String?
    public var sparkRemote: String?
    public var sparkStaging: String?

    public init() {}

    /// The serve parameter names; the CLI flag is the same with `-` (`flatten` is --no-flatten).
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case format, force, engine, compression
        case compressionLevel = "compression_level", rowGroupSize = "row_group_size", bloomFilter = "bloom_filter"
        case allStrings = "all_strings"
        case delimiter, quote, escape, encoding
        case noHeader = "no_header", skipRows = "skip_rows", allowRagged = "allow_ragged", nullValues = "null_values"
        case maxRecordBytes = "max_record_bytes", flatten
        case recordPath = "record_path", rowTag = "row_tag", flattenStrategy = "flatten_strategy"
        case arrayHandling = "array_handling", namespaceHandling = "namespace_handling"
        case sheets, combine, separate, header
        case includeDeleted = "include_deleted", tables, password, pages, metadata
        case mode, mergeSchema = "merge_schema", partitionBy = "partition_by"
        case table, sparkRemote = "spark_remote", sparkStaging = "spark_staging"

        /// The CLI spelling, e.g. `--partition-by`.
        public var flag: String { "--" + String(rawValue.map { $0 == "_" ? "-" : $0 }) }
    }

    /// The scoped options set (a false flag is the default, so not set; `flatten: false` is
    /// --no-flatten). Where each applies is `ConvertOption`'s table.
    public var given: [ConvertOption] {
        let set: [(Bool, ConvertOption)] = [
            (compression != nil, .compression), (compressionLevel != nil, .compressionLevel), (rowGroupSize != nil, .rowGroupSize),
            (bloomFilter != nil, .bloomFilter), (allStrings, .allStrings), (delimiter != nil, .delimiter), (quote != nil, .quote), (escape != nil, .escape),
            (encoding != nil, .encoding), (noHeader, .noHeader), (skipRows != nil, .skipRows), (allowRagged, .allowRagged),
            (nullValues != nil, .nullValues), (maxRecordBytes != nil, .maxRecordBytes), (flatten != nil, .noFlatten),
            (recordPath != nil, .recordPath), (rowTag != nil, .rowTag), (flattenStrategy != nil, .flattenStrategy),
            (arrayHandling != nil, .arrayHandling), (namespaceHandling != nil, .namespaceHandling),
            (sheets != nil, .sheets), (combine, .combine), (separate, .separate), (header, .header),
            (includeDeleted, .includeDeleted), (tables != nil, .tables), (password != nil, .password),
            (pages != nil, .pages), (metadata, .metadata),
            (mode != nil, .mode), (mergeSchema, .mergeSchema), (partitionBy != nil, .partitionBy),
        ]
        return set.compactMap { $0.0 ? $0.1 : nil }
    }

    /// The process environment with --spark-remote passed on as SPARK_REMOTE and
    /// --spark-staging as PYFORGE_SPARK_STAGING (which is how the Databricks extension reads them).
    public func environment(_ base: [String: String]) -> [String: String] {
        var environment = base
        if let sparkRemote { environment["SPARK_REMOTE"] = sparkRemote }
        if let sparkStaging { environment["PYFORGE_SPARK_STAGING"] = sparkStaging }
        return environment
    }

    /// The request these options describe for one input.
    public func request(input: String, output: String?) -> ConvertRequest {
        let csvOptions = self.csvOptions
        var request = ConvertRequest(
            inputPath: input, outputPath: output, format: format, force: force, csv: csvOptions, json: jsonOptions,
            output: OutputOptions(compression: (compression ?? .snappy).codec, compressionLevel: compressionLevel, rowGroupRows: rowGroupSize),
            delta: DeltaOptions(mode: mode ?? .error, mergeSchema: mergeSchema, partitionBy: partitionBy?.names ?? []))
        request.output.bloomFilterColumns = bloomFilterColumns
        request.xml = xmlOptions
        request.table = table
        request.excel = excelOptions
        request.dbase = dbaseOptions
        request.access = accessOptions
        request.pdf = PDFOptions(pages: pages, pageMarkers: metadata, password: password)
        return request
    }

    /// --bloom-filter as the writer's column selection.
    public var bloomFilterColumns: BloomFilterColumns {
        guard let bloomFilter else { return .none }
        if bloomFilter.items.count == 1, bloomFilter.items[0].lowercased() == "all" { return .all }
        return .named(bloomFilter.items.map { String($0.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()) })
    }

    public var csvOptions: CSVOptions {
        var options = CSVOptions(
            delimiter: delimiter?.byte, quote: quote.map(\.byte), escape: escape?.byte, hasHeader: noHeader ? false : nil,
            encoding: encoding?.text, skipRows: skipRows, allowRagged: allowRagged, allStrings: allStrings,
            nullValues: nullValues?.items ?? [])
        if let maxRecordBytes { options.maxRecordBytes = maxRecordBytes }
        return options
    }

    public var jsonOptions: JSONOptions {
        var options = JSONOptions(flatten: flatten ?? true, allStrings: allStrings, recordPath: recordPath.flatMap(JSONOptions.parseRecordPath))
        if let maxRecordBytes { options.maxRecordBytes = maxRecordBytes }
        return options
    }

    public var xmlOptions: XMLOptions {
        XMLOptions(
            recordPath: recordPath.flatMap(XMLOptions.parseRecordPath), rowTag: rowTag, flatten: flattenStrategy ?? .moderate,
            arrays: arrayHandling ?? .jsonString, namespaces: namespaceHandling ?? .strip, allStrings: allStrings)
    }

    public var excelOptions: ExcelOptions {
        ExcelOptions(
            sheets: sheets?.names ?? [], combine: combine, hasHeader: noHeader ? false : (header ? true : nil), allStrings: allStrings,
            skipRows: skipRows)
    }

    public var dbaseOptions: DBaseOptions { DBaseOptions(encoding: encoding?.codePage, includeDeleted: includeDeleted) }

    public var accessOptions: AccessOptions { AccessOptions(tables: tables?.nonEmpty ?? []) }
}
