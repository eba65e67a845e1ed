import Columnar
import Values

/// What the cells of an Excel column have turned out to be so far; like `InferredType`
/// but from typed cells instead of text, and with times of day (serials below 1 in a
/// date style), which are written as "HH:MM:SS" text unless dates join them.
enum ExcelCellType: UInt8, Sendable, CustomStringConvertible {
    case unknown, boolean, int64, double, date, timestamp, time, string

    func join(_ other: ExcelCellType) -> ExcelCellType {
        if self == other || other == .unknown { return self }
        if self == .unknown { return other }
        switch (self, other) {
        case (.int64, .double), (.double, .int64): return .double
        case (.date, .timestamp), (.timestamp, .date), (.time, .date), (.date, .time), (.time, .timestamp), (.timestamp, .time):
            return .timestamp
        default: return .string
        }
    }

    var dataType: DataType {
        switch self {
        case .boolean: return .boolean
        case .int64: return .int64
        case .double: return .double
        case .date: return .date32
        case .timestamp: return .timestampMicros(utc: false)
        case .time, .unknown, .string: return .string
        }
    }

    init(override type: DataType) {
        switch type {
        case .boolean: self = .boolean
        case .int32, .int64: self = .int64
        case .double: self = .double
        case .date32: self = .date
        case .timestampMicros: self = .timestamp
        default: self = .string
        }
    }

    var description: String { self == .time ? "time" : dataType.name }

    /// Integers beyond 2^53 are not exact in a double; keep such columns double.
    static let exactIntegerLimit = 9_007_199_254_740_992.0

    /// The type of one cell.
    @inline(__always)
    static func of(_ kind: CellKind, _ value: Double, _ system: ExcelDateSystem) -> ExcelCellType {
        switch kind {
        case .empty, .error: return .unknown
        case .number:
            return value.rounded(.towardZero) == value && abs(value) < exactIntegerLimit ? .int64 : .double
        case .dateSerial:
            if value >= 0 && value < 1 { return .time }
            guard let micros = system.micros(serial: value) else { return .double }
            return micros % CivilTime.microsPerDay == 0 ? .date : .timestamp
        case .isoDate:
            return Int64(value) % CivilTime.microsPerDay == 0 ? .date : .timestamp
        case .boolean: return .boolean
        case .sharedString, .text: return .string
        }
    }
}
