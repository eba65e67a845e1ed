import Columnar
import Values

/// What the values of a text column have turned out to be so far. Types only ever
/// widen (`join`), so a value that does not fit never loses data: the column becomes
/// the narrowest type that holds both.
public enum InferredType: UInt8, Sendable, Comparable, CustomStringConvertible {
    /// Only nulls seen yet.
    case unknown
    case boolean
    case int64
    case double
    case date
    case timestamp
    case timestampUTC
    case string

    public static func < (a: InferredType, b: InferredType) -> Bool { a.rawValue < b.rawValue }

    /// The narrowest type holding values of both `self` and `other`.
    public func join(_ other: InferredType) -> InferredType {
        if self == other || other == .unknown { return self }
        if self == .unknown { return other }
        switch (Swift.min(self, other), Swift.max(self, other)) {
        case (.int64, .double): return .double
        case (.date, .timestamp): return .timestamp
        default: return .string
        }
    }

    public var dataType: DataType {
        switch self {
        case .boolean: return .boolean
        case .int64: return .int64
        case .double: return .double
        case .date: return .date32
        case .timestamp: return .timestampMicros(utc: false)
        case .timestampUTC: return .timestampMicros(utc: true)
        case .unknown, .string: return .string
        }
    }

    public var description: String { dataType.name }

    /// The type after a value that `self` does not accept: the join with the value's own
    /// type, or string when the join gains nothing (a 17-digit integer in a double column
    /// would be rounded as a double, so only text holds it exactly).
    public func widened(by valueType: InferredType) -> InferredType {
        let joined = join(valueType)
        return joined == self ? .string : joined
    }

    /// The type of one non-empty field's text.
    @inline(__always)
    public static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> InferredType {
        let first = p[0]
        // Numbers and dates start with a digit or sign; booleans and specials with a letter.
        if first &- 48 < 10 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            if NumberParsing.int64(p, n) != nil { return .int64 }
            if n >= 10, p[4] == UInt8(ascii: "-") {
                if DateTimeParsing.date(p, n) != nil { return .date }
                if let ts = DateTimeParsing.timestamp(p, n) { return ts.zoned ? .timestampUTC : .timestamp }
            }
            if NumberParsing.double(p, n) != nil { return .double }
            return .string
        }
        if NumberParsing.boolean(p, n) != nil { return .boolean }
        if NumberParsing.double(p, n) != nil { return .double }  // NaN / Infinity
        return .string
    }

    /// Whether a field's text parses as this type (the fast check before `classify`).
    @inline(__always)
    public func accepts(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        switch self {
        case .unknown: return false
        case .string: return true
        case .boolean: return NumberParsing.boolean(p, n) != nil
        case .int64: return NumberParsing.int64(p, n) != nil
        case .double: return NumberParsing.double(p, n) != nil
        case .date: return DateTimeParsing.date(p, n) != nil
        case .timestamp:
            if DateTimeParsing.date(p, n) != nil { return true }
            guard let ts = DateTimeParsing.timestamp(p, n) else { return false }
            return !ts.zoned
        case .timestampUTC:
            guard let ts = DateTimeParsing.timestamp(p, n) else { return false }
            return ts.zoned
        }
    }
}

extension InferredType {
    /// The inference state that reproduces a given column type.
    public init(override type: DataType) {
        switch type {
        case .boolean: self = .boolean
        case .int32, .int64: self = .int64
        case .double: self = .double
        case .date32: self = .date
        case .timestampMicros(let utc): self = utc ? .timestampUTC : .timestamp
        default: self = .string
        }
    }
}
