import FormatKit
/// The `convert` options that mean something for some inputs or outputs only, each with
/// where it applies. This one table is what the CLI and `pyforge serve` check a request
/// against, so an option is refused where it would do nothing instead of being ignored
/// (PyForge 1.x accepted `--sheets` for a CSV and did nothing).
public enum ConvertOption: String, CaseIterable, Sendable {
    case compression, compressionLevel, rowGroupSize, bloomFilter
    case allStrings, delimiter, quote, escape, encoding, noHeader, skipRows, allowRagged, nullValues
    case maxRecordBytes
    case noFlatten
    case recordPath, rowTag, flattenStrategy, arrayHandling, namespaceHandling
    case sheets, combine, separate, header
    case includeDeleted
    case tables, password
    case pages, metadata
    case mode, mergeSchema, partitionBy
    case previewSchema

    /// The inputs the option applies to; nil: every input.
    public var inputs: [InputFormat]? {
        switch self {
        case .compression, .compressionLevel, .rowGroupSize, .bloomFilter, .mode, .mergeSchema, .partitionBy: return nil
        case .allStrings: return [.csv, .json, .xml, .excel]
        case .delimiter, .quote, .escape, .allowRagged, .nullValues: return [.csv]
        case .encoding: return [.csv, .dbase]
        case .noHeader, .skipRows: return [.csv, .excel]
        case .noFlatten: return [.json]
        case .maxRecordBytes: return [.csv, .json]
        case .recordPath: return [.xml, .json]
        case .rowTag, .flattenStrategy, .arrayHandling, .namespaceHandling: return [.xml]
        case .sheets, .combine, .separate, .header: return [.excel]
        case .includeDeleted: return [.dbase]
        case .tables: return [.access]
        case .password: return [.access, .pdf]
        case .pages, .metadata: return [.pdf]
        // A PDF has no columns to preview, and Parquet is not converted: the table formats.
        case .previewSchema: return InputFormat.allCases.filter { $0.content == .table }
        }
    }

    /// The outputs the option applies to; nil: every output.
    public var outputs: [OutputFormat]? {
        switch self {
        // Delta tables are Parquet files, so the Parquet knobs apply to them too.
        case .compression, .compressionLevel, .rowGroupSize, .bloomFilter: return [.parquet, .delta]
        case .mode, .mergeSchema, .partitionBy: return [.delta]
        default: return nil
        }
    }

    /// The CLI spelling, e.g. `--partition-by`.
    public var flag: String {
        if self == .noFlatten { return "--no-flatten" }
        var name = "--"
        for character in rawValue {
            if character.isUppercase { name += "-" + character.lowercased() } else { name.append(character) }
        }
        return name
    }

    /// The `pyforge serve` parameter name, e.g. `partition_by` (`flatten` for --no-flatten).
    public var parameterName: String {
        if self == .noFlatten { return "flatten" }
        return String(flag.dropFirst(2)).replacingHyphens()
    }

    /// Refuses `given` options that do not apply to converting `inputPath` to `output`
    /// (nil: no output, as for `info` and `validate`, which check the input only).
    /// An input of an unknown format is left to the conversion (an extension may read it).
    /// `name` spells an option the way the caller's user wrote it (flag or parameter).
    public static func check(
        _ given: [ConvertOption], inputPath: String, output: OutputFormat?, name: (ConvertOption) -> String = \.flag
    ) throws(ConversionError) {
        let input = InputFormat(path: inputPath)
        for option in given {
            if let inputs = option.inputs, let input, !inputs.contains(input) {
                throw .invalidOption(
                    "\(name(option)) applies only to \(describe(inputs)) input; '\(inputPath)' is \(input.displayName). Remove the option, or give a file it applies to.")
            }
            if let outputs = option.outputs, let output, !outputs.contains(output) {
                throw .invalidOption(
                    "\(name(option)) applies only to \(describe(outputs)) output; this conversion writes \(output.displayName). Remove the option, or choose \(outputs.map { "-f \($0.rawValue)" }.joined(separator: " or ")).")
            }
        }
    }

    /// The output format a request resolves to, as the conversion will pick it.
    public static func resolvedOutput(inputPath: String, outputPath: String?, format: OutputFormat?) -> OutputFormat {
        format ?? outputPath.flatMap { OutputFormat(pathExtension: $0) } ?? InputFormat(path: inputPath)?.defaultOutput ?? .parquet
    }

    private static func describe(_ inputs: [InputFormat]) -> String {
        list(inputs.map { input in
            // The plain extensions; the compressed forms (.csv.gz) would only lengthen the sentence.
            let plain = input.extensions.filter { InputCompression(path: $0) == .none }
            return "\(input.displayName) (\(plain.joined(separator: ", ")))"
        })
    }

    private static func describe(_ outputs: [OutputFormat]) -> String {
        list(outputs.map(\.displayName))
    }

    private static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}

extension OutputFormat {
    public var displayName: String {
        switch self {
        case .parquet: return "Parquet"
        case .csv: return "CSV"
        case .json: return "JSON"
        case .ndjson: return "NDJSON"
        case .delta: return "Delta"
        case .text: return "text"
        }
    }
}

extension String {
    fileprivate func replacingHyphens() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
