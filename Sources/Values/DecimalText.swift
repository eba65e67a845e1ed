import Platform

/// Compares decimal texts by the number they write, so "1.50", "15e-1" and "1.5" agree:
/// the check that a long decimal read as a double loses no digit.
public enum DecimalText {
    /// Whether `text` is the number that `value` prints as: its shortest round-trip form or
    /// its 17-significant-digit form (`%.17g`, what Excel and C's printf write).
    public static func isPrinted(_ value: Double, as text: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let wanted = normalized(UnsafeBufferPointer(start: text, count: n))
        if normalized(Array(value.description.utf8)) == wanted { return true }
        var buffer = [CChar](repeating: 0, count: 40)
        let written = buffer.withUnsafeMutableBufferPointer { out in
            withVaList([value]) { vsnprintf(out.baseAddress, out.count, "%.17g", $0) }
        }
        guard written > 0, written < buffer.count else { return false }
        return normalized(buffer[0..<Int(written)].map { UInt8(bitPattern: $0) }) == wanted
    }

    /// Sign, significant digits (no leading or trailing zeros) and the power of ten of the
    /// last one; nil for text that is not a plain decimal (the caller has parsed it already).
    public struct Number: Equatable {
        public var negative: Bool
        public var digits: [UInt8]
        public var exponent: Int
    }

    public static func normalized<Bytes: Collection<UInt8>>(_ text: Bytes) -> Number? {
        var digits: [UInt8] = []
        var negative = false
        var fractionDigits = 0
        var inFraction = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "-") where inExponent: exponentNegative = true
            case UInt8(ascii: "+") where inExponent: continue
            case UInt8(ascii: "-") where digits.isEmpty && !inFraction: negative = true
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    guard exponent < 100_000 else { return nil }
                    exponent = exponent * 10 + Int(byte - 48)
                } else {
                    if inFraction { fractionDigits += 1 }
                    if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte) }
                }
            default: return nil
            }
        }
        var power = (exponentNegative ? -exponent : exponent) - fractionDigits
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            power += 1
        }
        if digits.isEmpty { return Number(negative: false, digits: [], exponent: 0) }  // "-0" is 0 too
        return Number(negative: negative, digits: digits, exponent: power)
    }
}
