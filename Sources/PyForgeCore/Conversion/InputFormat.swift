import FormatKit
/// The input formats pyforge recognises, by file extension.
public enum InputFormat: String, Sendable, CaseIterable, Codable {
    case csv
    case json
    case parquet
    case xml
    case excel = "xlsx"
    case dbase = "dbf"
    case access
    case pdf

    /// From the extension; text formats may add a compression suffix (`data.csv.zst`), binary
    /// ones may not (a `.parquet.gz` is not an input pyforge reads).
    public init?(path: String) {
        let (inner, compression) = InputCompression.split(path)
        let lower = inner.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") || lower.hasSuffix(".txt") {
            self = .csv
        } else if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            self = .json
        } else if lower.hasSuffix(".xml") {
            self = .xml
        } else if compression != .none {
            return nil
        } else if lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") {
            self = .parquet
        } else if lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") {
            self = .excel
        } else if lower.hasSuffix(".dbf") {
            self = .dbase
        } else if lower.hasSuffix(".mdb") || lower.hasSuffix(".accdb") {
            self = .access
        } else if lower.hasSuffix(".pdf") {
            self = .pdf
        } else {
            return nil
        }
    }

    /// Output formats each input converts to.
    public var outputs: [OutputFormat] {
        switch self {
        case .csv, .json: return [.parquet, .csv, .json, .ndjson, .delta]
        case .parquet: return []
        case .xml: return [.parquet, .csv, .json, .ndjson, .delta]
        case .excel, .dbase, .access: return [.parquet, .csv, .json, .ndjson, .delta]
        case .pdf: return [.text]
        }
    }

    /// What a conversion writes when neither `--format` nor the output's extension says.
    public var defaultOutput: OutputFormat { self == .pdf ? .text : .parquet }

    /// The input options that apply to the format (besides the output options), as
    /// `pyforge formats` lists them: read from `ConvertOption`'s table, the one the CLI and
    /// `serve` check requests against, so the list cannot drift from what is accepted.
    public var options: [String] {
        ConvertOption.allCases.filter { option in
            option != .previewSchema && option.inputs?.contains(self) == true
        }.map(\.flag)
    }

    public var extensions: [String] {
        switch self {
        case .csv: return [".csv", ".tsv", ".tab", ".txt"] + Self.compressedForms(".csv", ".tsv")
        case .json: return [".json", ".jsonl", ".ndjson"] + Self.compressedForms(".json", ".jsonl", ".ndjson")
        case .parquet: return [".parquet", ".pq"]
        case .xml: return [".xml"] + Self.compressedForms(".xml")
        case .excel: return [".xlsx", ".xlsm"]
        case .dbase: return [".dbf"]
        case .access: return [".mdb", ".accdb"]
        case .pdf: return [".pdf"]
        }
    }

    /// `.csv.gz`, `.csv.bz2`, `.csv.zst`… (every text extension takes them; these are the ones listed).
    private static func compressedForms(_ extensions: String...) -> [String] {
        extensions.flatMap { ext in InputCompression.allCases.compactMap { $0.suffix.map { ext + $0 } } }
    }

    public var title: String {
        switch self {
        case .csv: return "CSV / TSV (delimited text)"
        case .json: return "JSON records (array of objects, or NDJSON)"
        case .parquet: return "Apache Parquet (info only)"
        case .xml: return "XML (records of repeated elements)"
        case .excel: return "Excel workbook (.xlsx, .xlsm)"
        case .dbase: return "dBase / FoxPro table (memo from .dbt/.fpt)"
        case .access: return "Microsoft Access database (one output per table)"
        case .pdf: return "PDF document (text extraction)"
        }
    }
}
