#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Columnar
import FormatKit

/// Delta's JSON schema (`schemaString`) for our column types.
public enum DeltaSchema {
    /// The Delta type name of a column type. Wall-clock timestamps are stored as Delta
    /// `timestamp` (their digits read as UTC) so that tables stay at protocol 1/2, which
    /// every Spark, Databricks and delta-rs reader understands.
    public static func typeName(_ type: DataType) -> String {
        switch type {
        case .boolean: return "boolean"
        case .int32: return "integer"
        case .int64: return "long"
        case .double: return "double"
        case .date32: return "date"
        case .timestampMicros: return "timestamp"
        case .string: return "string"
        case .binary: return "binary"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        }
    }

    /// The column type a Delta type name stands for; nil for nested or unknown types.
    static func dataType(_ name: String) -> DataType? {
        switch name {
        case "boolean": return .boolean
        case "integer": return .int32
        case "long": return .int64
        case "double": return .double
        case "date": return .date32
        case "timestamp": return .timestampMicros(utc: true)
        case "string": return .string
        case "binary": return .binary
        default:
            guard name.hasPrefix("decimal("), name.hasSuffix(")") else { return nil }
            let parts = name.dropFirst(8).dropLast().split(separator: ",").compactMap { Int(String($0).trimmingWhitespace()) }
            guard parts.count == 2 else { return nil }
            return .decimal(precision: parts[0], scale: parts[1])
        }
    }

    /// The type the table stores: wall-clock timestamps become UTC-adjusted ones.
    static func storedType(_ type: DataType) -> DataType {
        if case .timestampMicros = type { return .timestampMicros(utc: true) }
        return type
    }

    static func encode(_ schema: Schema) -> String {
        let fields = schema.fields.map { field in
            JSONText.object([
                ("name", JSONText.quoted(field.name)), ("type", JSONText.quoted(typeName(field.type))),
                ("nullable", field.nullable ? "true" : "false"), ("metadata", "{}"),
            ])
        }
        return JSONText.object([("type", JSONText.quoted("struct")), ("fields", JSONText.array(fields))])
    }

    private struct StructType: Decodable {
        var fields: [FieldType]
    }

    private struct FieldType: Decodable {
        var name: String
        var type: TypeValue
        var nullable: Bool
    }

    /// A primitive type is a string; nested types are objects we do not write into.
    private enum TypeValue: Decodable {
        case primitive(String)
        case nested

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let name = try? container.decode(String.self) { self = .primitive(name) } else { self = .nested }
        }
    }

    static func decode(_ text: String, table: String) throws(ConversionError) -> Schema {
        let parsed: StructType
        do {
            parsed = try JSONDecoder().decode(StructType.self, from: Data(text.utf8))
        } catch {
            throw .malformedInput(path: table, location: "the table metadata", reason: "its schemaString is not a Delta schema", fix: "check that the directory holds a Delta table")
        }
        var fields: [Field] = []
        for field in parsed.fields {
            guard case .primitive(let name) = field.type, let type = dataType(name) else {
                throw .invalidOption("The Delta table '\(table)' has column '\(field.name)' of a nested or unsupported type; pyforge can only append to tables of primitive columns. Write to a new table instead.")
            }
            fields.append(Field(name: field.name, type: type, nullable: field.nullable))
        }
        return Schema(fields)
    }
}
