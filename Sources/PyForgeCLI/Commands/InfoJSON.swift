import FormatKit
import Pipeline

/// `pyforge info --format json`: our fields, plus the flat fields PyForge 1.x printed
/// (`page_count`, `file_size`, `delimiter`…) so that 1.x scripts (`jq .page_count`) keep
/// reading them. 1.x's names never collide with ours, so both sit in one object.
struct InfoJSON: Encodable {
    let info: FileInfo

    func encode(to encoder: any Encoder) throws {
        try info.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in legacyFields { try container.encode(value, forKey: Key(name)) }
    }

    /// 1.x's `get_metadata` keys for the formats that had them (CSV, PDF, XML; the others printed nothing).
    var legacyFields: [(String, LegacyValue)] {
        let name = String(info.path.split(separator: "/").last ?? Substring(info.path))
        var fields: [(String, LegacyValue)] = [("file_name", .string(name)), ("file_size", .int(Int(info.sizeBytes)))]
        let details = info.details
        switch info.format {
        case "pdf":
            for key in ["title", "author", "subject", "creator", "producer", "creation_date", "modification_date"] {
                fields.append((key, .string(details[key] ?? "")))
            }
            fields.append(("page_count", .int(info.rows)))
        case "csv":
            fields.append(("file_type", .string("CSV")))
            if let encoding = details["encoding"] { fields.append(("encoding", .string(encoding))) }
            if let delimiter = details["delimiter"] { fields.append(("delimiter", .string(delimiter == "\\t" ? "\t" : delimiter))) }
            if let header = details["header"] { fields.append(("has_header", .bool(header == "yes"))) }
            fields.append(("estimated_rows", .int(info.rows)))
        case "xml":
            fields.append(("file_path", .string(info.path)))
        default:
            break
        }
        return fields
    }

    enum LegacyValue: Encodable {
        case string(String), int(Int), bool(Bool)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            }
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
