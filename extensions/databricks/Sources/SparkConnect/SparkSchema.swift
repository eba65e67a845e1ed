/// A top-level column of a Spark result: its name and Spark's type name.
public struct SparkColumn: Sendable, Hashable {
    public var name: String
    public var type: String
    public var nullable: Bool
}

enum SparkSchema {
    /// `DataType` oneof field numbers → Spark's type names (types.proto).
    private static let kinds: [Int: String] = [
        1: "void", 2: "binary", 3: "boolean", 4: "tinyint", 5: "smallint", 6: "int", 7: "bigint", 8: "float",
        9: "double", 10: "decimal", 11: "string", 12: "char", 13: "varchar", 14: "date", 15: "timestamp",
        16: "timestamp_ntz", 17: "interval", 18: "interval year to month", 19: "interval day to second", 20: "array",
        21: "struct", 22: "map", 23: "udt", 24: "unparsed", 25: "variant", 26: "geometry", 27: "geography", 28: "time",
    ]

    /// The columns in `AnalyzePlanResponse.schema.schema` (a struct DataType).
    static func columns(fromAnalyzeResponse bytes: [UInt8]) throws(ProtobufError) -> [SparkColumn] {
        guard let schema = try field(2, in: bytes[...]), let dataType = try field(1, in: schema),
            let structType = try field(21, in: dataType)
        else { return [] }
        var columns: [SparkColumn] = []
        var reader = ProtobufReader(structType)
        while let (number, value) = try reader.next() {
            guard number == 1, let fieldBytes = value.slice else { continue }
            var column = SparkColumn(name: "", type: "unknown", nullable: true)
            var fieldReader = ProtobufReader(fieldBytes)
            while let (member, memberValue) = try fieldReader.next() {
                switch member {
                case 1: column.name = memberValue.string ?? ""
                case 2: column.type = try typeName(memberValue.slice ?? [])
                case 3: column.nullable = memberValue.integer == 1
                default: break
                }
            }
            columns.append(column)
        }
        return columns
    }

    private static func typeName(_ dataType: ArraySlice<UInt8>) throws(ProtobufError) -> String {
        var reader = ProtobufReader(dataType)
        while let (kind, _) = try reader.next() {
            if let name = kinds[kind] { return name }
        }
        return "unknown"
    }

    /// The first length-delimited field `number` of a message.
    private static func field(_ number: Int, in message: ArraySlice<UInt8>) throws(ProtobufError) -> ArraySlice<UInt8>? {
        var reader = ProtobufReader(message)
        while let (field, value) = try reader.next() {
            if field == number, let slice = value.slice { return slice }
        }
        return nil
    }
}
