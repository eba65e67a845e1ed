/// The input formats pyforge recognises, by file extension.
public enum InputFormat: String, Sendable, CaseIterable, Codable {
    case csv
    case json
    case parquet
    case xml
    case excel = "xlsx"

    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") || lower.hasSuffix(".txt") {
            self = .csv
        } else if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            self = .json
        } else if lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") {
            self = .parquet
        } else if lower.hasSuffix(".xml") || lower.hasSuffix(".xml.gz") || lower.hasSuffix(".xml.bz2") {
            self = .xml
        } else if lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") {
            self = .excel
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
        case .excel: return [.parquet, .csv, .json, .ndjson, .delta]
        }
    }

    public var extensions: [String] {
        switch self {
        case .csv: return [".csv", ".tsv", ".tab", ".txt"]
        case .json: return [".json", ".jsonl", ".ndjson"]
        case .parquet: return [".parquet", ".pq"]
        case .xml: return [".xml", ".xml.gz", ".xml.bz2"]
        case .excel: return [".xlsx", ".xlsm"]
        }
    }

    public var title: String {
        switch self {
        case .csv: return "CSV / TSV (delimited text)"
        case .json: return "JSON records (array of objects, or NDJSON)"
        case .parquet: return "Apache Parquet (info only)"
        case .xml: return "XML (records of repeated elements)"
        case .excel: return "Excel workbook (.xlsx, .xlsm)"
        }
    }
}
