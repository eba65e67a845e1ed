/// Text forms of typed values for the CSV and JSON writers (ISO 8601 for dates and
/// timestamps, shortest round-trip text for doubles).
public enum ValueFormatting {
    public static func date(days: Int32) -> String {
        let (y, m, d) = CivilTime.civilFromDays(Int(days))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    public static func timestamp(micros: Int64, utc: Bool) -> String {
        var days = micros / CivilTime.microsPerDay
        var rest = micros % CivilTime.microsPerDay
        if rest < 0 {
            rest += CivilTime.microsPerDay
            days -= 1
        }
        let seconds = rest / CivilTime.microsPerSecond
        let fraction = rest % CivilTime.microsPerSecond
        var text = date(days: Int32(days)) + "T\(pad(Int(seconds / 3600), 2)):\(pad(Int(seconds / 60 % 60), 2)):\(pad(Int(seconds % 60), 2))"
        if fraction != 0 {
            var digits = pad(Int(fraction), 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return utc ? text + "Z" : text
    }

    public static func double(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"  // shortest text that parses back to the same bits
    }

    public static func decimal(unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        var digits = String(unscaled.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
