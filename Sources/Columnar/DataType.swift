/// The logical types a column can hold, shared by every reader and writer.
public enum DataType: Sendable, Hashable {
    case boolean
    case int32
    case int64
    case double
    /// Days since 1970-01-01.
    case date32
    /// Microseconds since 1970-01-01T00:00:00; `utc` says the instant is UTC-adjusted
    /// (the source carried a zone) rather than a wall-clock time.
    case timestampMicros(utc: Bool)
    /// UTF-8 text.
    case string
    case binary
    /// An exact number: the unscaled value times 10^-scale. Stored as `int32s` when
    /// precision ≤ 9, `int64s` when ≤ 18, `int128s` when ≤ 38.
    case decimal(precision: Int, scale: Int)

    /// The short name used in messages, `--json` output and `info`.
    public var name: String {
        switch self {
        case .boolean: return "boolean"
        case .int32: return "int32"
        case .int64: return "int64"
        case .double: return "double"
        case .date32: return "date"
        case .timestampMicros(let utc): return utc ? "timestamp[us, UTC]" : "timestamp[us]"
        case .string: return "string"
        case .binary: return "binary"
        case .decimal(let p, let s): return "decimal(\(p),\(s))"
        }
    }

    /// How values of this type are laid out in a `ColumnValues`.
    public var storage: StorageKind {
        switch self {
        case .boolean: return .booleans
        case .int32, .date32: return .int32s
        case .int64, .timestampMicros: return .int64s
        case .double: return .doubles
        case .string, .binary: return .bytes
        case .decimal(let precision, _):
            if precision <= 9 { return .int32s }
            if precision <= 18 { return .int64s }
            return .int128s
        }
    }

    /// Largest precision a decimal column can have.
    public static let maxDecimalPrecision = 38
}

/// The physical layout of a column's values in memory.
public enum StorageKind: Sendable, Hashable {
    case booleans, int32s, int64s, int128s, doubles, bytes
}
