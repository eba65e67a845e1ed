import Columnar

/// One field descriptor of a dBase table.
public struct DBaseField: Sendable, Equatable {
    public var name: String
    /// The type letter: C, N, F, L, D, T, I, B, Y, M, G, P, V, Q, 0…
    public var type: Character
    /// Byte offset within the record (the deletion flag is byte 0).
    public var offset: Int
    public var length: Int
    public var decimals: Int
    /// Visual FoxPro flags: 0x01 system column, 0x02 nullable, 0x04 binary.
    public var flags: UInt8

    /// `_NullFlags` and other hidden Visual FoxPro columns.
    public var isSystem: Bool { flags & 0x01 != 0 || type == "0" }
    public var isNullable: Bool { flags & 0x02 != 0 }
    public var isBinary: Bool { flags & 0x04 != 0 }

    /// As dBase tools print it: `C(20)`, `N(10,2)`, `D`.
    public var spec: String {
        switch type {
        case "N", "F": return "\(type)(\(length),\(decimals))"
        case "C", "V", "Q": return "\(type)(\(length))"
        default: return String(type)
        }
    }

    /// Whether the field's value is a block number in the memo file.
    func isMemo(visualFoxPro: Bool) -> Bool {
        switch type {
        case "M", "G", "P": return true
        case "B": return !visualFoxPro
        default: return false
        }
    }

    /// The column type a field converts to.
    func dataType(visualFoxPro: Bool) -> DataType {
        switch type {
        case "C", "V": return isBinary ? .binary : .string
        case "M": return isBinary ? .binary : .string
        case "G", "P", "Q": return .binary
        case "L": return .boolean
        case "D": return .date32
        case "T", "@": return .timestampMicros(utc: false)
        case "I": return .int32
        case "Y": return .decimal(precision: 19, scale: 4)
        case "B": return visualFoxPro ? .double : .binary
        case "N", "F": return DBaseField.numericType(type: type, length: length, decimals: decimals)
        default: return .string
        }
    }

    /// N(w,0) → int32 when 9 digits fit, int64 up to 18, else decimal(w,0); a declared
    /// scale → decimal(w-1, s) (the point takes a byte); F without scale → double.
    static func numericType(type: Character, length: Int, decimals: Int) -> DataType {
        if decimals == 0 {
            if type == "F" { return .double }
            if length <= 9 { return .int32 }
            if length <= 18 { return .int64 }
            return .decimal(precision: min(length, DataType.maxDecimalPrecision), scale: 0)
        }
        guard decimals < DataType.maxDecimalPrecision else { return .double }
        let precision = min(max(length - 1, decimals + 1), DataType.maxDecimalPrecision)
        return .decimal(precision: precision, scale: decimals)
    }
}
