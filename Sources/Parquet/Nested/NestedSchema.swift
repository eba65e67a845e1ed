/// A column of a nested table: primitive, struct, list or map, optionally nullable.
public struct NestedField: Sendable, Hashable {
    public var name: String
    public var type: NestedType
    public var nullable: Bool

    public init(_ name: String, _ type: NestedType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

public indirect enum NestedType: Sendable, Hashable {
    case boolean, int32, int64, double, string, binary
    case structure([NestedField])
    /// A list of elements (written with the standard 3-level LIST layout).
    case list(element: NestedType, elementNullable: Bool)
    /// A map (written with the standard MAP layout: repeated key_value { key, value }).
    case map(key: NestedType, value: NestedType, valueNullable: Bool)
}

/// A value of a nested table cell; struct fields are positional.
public indirect enum NestedValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case binary([UInt8])
    case structure([NestedValue])
    case list([NestedValue])
    case map([(NestedValue, NestedValue)])

    public static func == (a: NestedValue, b: NestedValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return x == y
        case (.binary(let x), .binary(let y)): return x == y
        case (.structure(let x), .structure(let y)), (.list(let x), .list(let y)): return x == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(String(describing: self))
    }
}
