import Platform
import Values
import FormatKit
import CSVFormat
import XMLFormat
import DBaseFormat
/// The checks of option values against each other, shared by the CLI (which spells an option
/// `--row-tag`) and `pyforge serve` (`'row_tag'`); `name` gives the spelling.
extension ConvertOptions {
    /// How an error spells an option: as the CLI's flag, or as serve's (and Python's) parameter.
    public enum Naming: Sendable {
        case flag, parameter

        public func callAsFunction(_ key: CodingKeys) -> String {
            switch self {
            case .flag: return key == .flatten ? "--no-flatten" : key.flag
            case .parameter: return "'\(key.rawValue)'"
            }
        }
    }

    public func validate(name: Naming) throws(ConversionError) {
        if let conflict = csvOptions.dialectConflict(name: { CodingKeys(rawValue: $0).map(name.callAsFunction) ?? "--" + $0 }) { throw .invalidOption(conflict) }
        if let maxRecordBytes, !ResourceLimits.recordBytesRange.contains(maxRecordBytes) {
            throw .invalidOption("\(name(.maxRecordBytes)) must be between \(ResourceLimits.recordBytesRange.lowerBound) (1 MiB) and \(ResourceLimits.recordBytesRange.upperBound) (1 GiB); got \(maxRecordBytes).")
        }
        if let skipRows, skipRows < 0 {
            throw .invalidOption("\(name(.skipRows)) must be 0 or more; got \(skipRows).")
        }
        if let rowGroupSize, rowGroupSize <= 0 {
            throw .invalidOption("\(name(.rowGroupSize)) must be a positive number of rows.")
        }
        if case .named(let columns) = bloomFilterColumns, columns.isEmpty || columns.contains("") {
            throw .invalidOption("\(name(.bloomFilter)) takes column names separated by commas, or 'all'; got '\(bloomFilter?.optionText ?? "")'.")
        }
        try validateCompressionLevel(name: name)
        try validateRecordSelection(name: name)
        if combine && separate {
            throw .invalidOption("\(name(.combine)) stacks the sheets into one output and \(name(.separate)) writes one output per sheet; pass one of them.")
        }
        if let sheets, sheets.names.isEmpty {
            throw .invalidOption("\(name(.sheets)) needs at least one sheet name or 1-based position.")
        }
        if let table, table.isEmpty || table.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw .invalidOption("\(name(.table)) must be a table name such as orders or main.sales.orders; got '\(table)'.")
        }
        if let sparkStaging, !(sparkStaging.hasPrefix("/Volumes/") || sparkStaging.hasPrefix("dbfs:/Volumes/")) {
            throw .invalidOption("\(name(.sparkStaging)) must be a Unity Catalog Volume directory such as /Volumes/main/default/scratch; got '\(sparkStaging)'.")
        }
    }

    private func validateCompressionLevel(name: Naming) throws(ConversionError) {
        guard let level = compressionLevel else { return }
        switch compression ?? .snappy {
        case .zstd where !(1...22).contains(level):
            throw .invalidOption("\(name(.compressionLevel)) for zstd must be 1-22; got \(level).")
        case .gzip where !(1...9).contains(level):
            throw .invalidOption("\(name(.compressionLevel)) for gzip must be 1-9; got \(level).")
        case .snappy, .uncompressed:
            throw .invalidOption("\(name(.compressionLevel)) applies to zstd and gzip only; \((compression ?? .snappy).rawValue) has no levels.")
        default: break
        }
    }

    private func validateRecordSelection(name: Naming) throws(ConversionError) {
        if recordPath != nil && rowTag != nil {
            throw .invalidOption("Pass either \(name(.recordPath)) or \(name(.rowTag)), not both.")
        }
        if let recordPath, XMLOptions.parseRecordPath(recordPath) == nil {
            throw .invalidOption("\(name(.recordPath)) must be names without spaces, separated by '/' for XML (catalog/book) or '.' for JSON (data.items); got '\(recordPath)'.")
        }
        if let rowTag, rowTag.split(separator: ",", omittingEmptySubsequences: false).contains(where: { tag in
            tag.isEmpty || tag.contains("/") || tag.contains(where: \.isWhitespace)
        }) {
            throw .invalidOption("\(name(.rowTag)) must be element names separated by commas (use \(name(.recordPath)) for a path); got '\(rowTag)'.")
        }
    }

    /// Only an append can add columns; with another mode --merge-schema would do nothing.
    /// The CLI checks this after the output format (the more basic mistake when both are wrong).
    public func checkMergeSchema(name: Naming) throws(ConversionError) {
        if mergeSchema && mode != .append {
            throw .invalidOption("\(name(.mergeSchema)) applies only with \(name(.mode)) append (it adds the input's new columns to the table); add \(name(.mode)) append.")
        }
    }

    /// Refuses an --encoding the input cannot use, instead of ignoring it: CSV reads the
    /// text encodings (utf-8, utf-16, windows-1252, latin-1), a dBase table the code pages.
    public func checkEncoding(inputPath: String, name: Naming) throws(ConversionError) {
        guard let encoding else { return }
        switch InputFormat(path: inputPath) {
        case .csv? where encoding.text == nil:
            throw .invalidOption(
                "\(name(.encoding)) '\(encoding.optionText)' is a dBase code page; CSV input ('\(inputPath)') is read as one of: \(TextEncoding.acceptedNames). "
                    + "Re-encode the file as UTF-8 first (for example: iconv -f \(encoding.optionText) -t utf-8).")
        case .dbase? where encoding.codePage == nil:
            throw .invalidOption(
                "\(name(.encoding)) '\(encoding.optionText)' is not a dBase code page ('\(inputPath)'). Use one of: \(CodePage.acceptedNames).")
        default:
            return
        }
    }
}
