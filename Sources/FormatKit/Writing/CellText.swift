import Columnar
import Values

/// Appends one cell's value as text, the way CSV and JSON outputs write it (and Delta its
/// partition values): here, below the writers, so each prints values the same way.
public enum CellText {
    public enum Style { case csv, json }

    /// Appends the value at `row` (the caller handles nulls). Returns false for a double
    /// that JSON cannot hold (NaN, ±infinity), which JSON writes as null. Inlinable: the
    /// writers call it once per cell from other modules.
    @inlinable
    public static func append(_ values: ColumnValues, _ type: DataType, row: Int, style: Style, to out: inout [UInt8]) -> Bool {
        switch values {
        case .booleans(let v):
            out.append(contentsOf: v[row] != 0 ? Array("true".utf8) : Array("false".utf8))
        case .int32s(let v):
            switch type {
            case .date32: appendQuotedIf(style == .json, ValueFormatting.date(days: v[row]), to: &out)
            case .decimal(_, let scale): out.append(contentsOf: ValueFormatting.decimal(unscaled: Int128(v[row]), scale: scale).utf8)
            default: out.append(contentsOf: String(v[row]).utf8)
            }
        case .int64s(let v):
            switch type {
            case .timestampMicros(let utc):
                appendQuotedIf(style == .json, ValueFormatting.timestamp(micros: v[row], utc: utc), to: &out)
            case .decimal(_, let scale): out.append(contentsOf: ValueFormatting.decimal(unscaled: Int128(v[row]), scale: scale).utf8)
            default: out.append(contentsOf: String(v[row]).utf8)
            }
        case .int128s(let v):
            if case .decimal(_, let scale) = type {
                out.append(contentsOf: ValueFormatting.decimal(unscaled: v[row], scale: scale).utf8)
            } else {
                out.append(contentsOf: String(v[row]).utf8)
            }
        case .doubles(let v):
            let value = v[row]
            if style == .json && !value.isFinite { return false }
            out.append(contentsOf: ValueFormatting.double(value).utf8)
        case .bytes(let b):
            let start = Int(b.offsets[row]), end = Int(b.offsets[row + 1])
            if type == .binary {
                let text = base64(b.data[start..<end])
                appendQuotedIf(style == .json, text, to: &out)
            } else if style == .json {
                appendJSONString(b.data[start..<end], to: &out)
            } else {
                appendCSVField(b.data[start..<end], to: &out)
            }
        }
        return true
    }

    @usableFromInline
    static func appendQuotedIf(_ quoted: Bool, _ text: String, to out: inout [UInt8]) {
        if quoted { out.append(UInt8(ascii: "\"")) }
        out.append(contentsOf: text.utf8)
        if quoted { out.append(UInt8(ascii: "\"")) }
    }

    /// RFC 4180: quoted (with doubled quotes) when the text holds a delimiter, quote or line
    /// break; an empty string is written as "" so that it stays distinct from null.
    public static func appendCSVField(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        let needsQuotes = bytes.isEmpty || bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(0x22)
        for byte in bytes {
            if byte == 0x22 { out.append(0x22) }
            out.append(byte)
        }
        out.append(0x22)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    public static func appendJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(0x22)
        for byte in bytes {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func base64(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b0 = bytes[i]
            let b1 = i + 1 < bytes.endIndex ? bytes[i + 1] : 0
            let b2 = i + 2 < bytes.endIndex ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x3) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.endIndex ? alphabet[Int((b1 & 0xF) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.endIndex ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
