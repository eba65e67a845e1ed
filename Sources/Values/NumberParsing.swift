import Platform

/// Byte-level parsers for the text forms the type inference recognises. Each returns
/// nil when the text is not exactly such a value, so a caller can keep it as a string
/// rather than lose information.
public enum NumberParsing {
    /// `-?[0-9]+` within Int64. Leading zeros ("007") and "+" are rejected: such text is an
    /// identifier whose zeros matter, not a number.
    @inline(__always)
    public static func int64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0 else { return nil }
        var i = 0
        let negative = p[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let digits = n &- i
        guard digits > 0, digits <= 19 else { return nil }
        if p[i] == UInt8(ascii: "0") && digits > 1 { return nil }
        var value: UInt64 = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            value = value &* 10 &+ UInt64(d)
            i &+= 1
        }
        if digits == 19 {
            // 19 digits fit UInt64 but can exceed Int64; check against the exact bound.
            let limit: UInt64 = negative ? 9_223_372_036_854_775_808 : 9_223_372_036_854_775_807
            guard value <= limit else { return nil }
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- value) : Int64(value)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Decimal floating-point text: `-?(digits)?(.digits)?([eE][+-]?digits)?`, plus nan/inf
    /// spellings. Pure integers that overflow Int64 are rejected (they would be rounded);
    /// so is an integer part with leading zeros.
    @inline(__always)
    public static func double(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        guard i < n else { return nil }
        let first = p[i]
        if first == UInt8(ascii: "n") || first == UInt8(ascii: "N") || first == UInt8(ascii: "i")
            || first == UInt8(ascii: "I")
        {
            return special(p + i, n - i, negative: negative)
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var dropped = 0  // digits beyond what the mantissa holds (before the point: scale up)
        var exponent = 0
        var sawDigit = false
        var sawPointOrExponent = false
        let integerStart = i
        while i < n {
            let d = p[i] &- 48
            if d >= 10 { break }
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa > 0 { significant &+= 1 }
            } else {
                dropped &+= 1
            }
            i &+= 1
        }
        let integerDigits = i - integerStart
        if integerDigits > 1 && p[integerStart] == UInt8(ascii: "0") { return nil }
        exponent = dropped
        if i < n && p[i] == UInt8(ascii: ".") {
            sawPointOrExponent = true
            i &+= 1
            while i < n {
                let d = p[i] &- 48
                if d >= 10 { break }
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa > 0 { significant &+= 1 }
                    exponent &-= 1
                } else {
                    dropped &+= 1
                }
                i &+= 1
            }
        }
        guard sawDigit else { return nil }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            sawPointOrExponent = true
            i &+= 1
            var exponentNegative = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i &+= 1
            }
            var value = 0
            var exponentDigits = 0
            while i < n {
                let d = p[i] &- 48
                if d >= 10 { break }
                if value < 100_000 { value = value &* 10 &+ Int(d) }
                exponentDigits &+= 1
                i &+= 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent &+= exponentNegative ? -value : value
        }
        guard i == n else { return nil }
        // A plain integer reaching here did not fit Int64 (or the caller asked for a double):
        // more than 15 digits would be rounded, so refuse rather than lose digits.
        if !sawPointOrExponent && integerDigits > 15 { return nil }
        let value: Double
        if dropped == 0 && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            // Clinger's fast path: one correctly rounded operation on exact operands.
            let magnitude = Double(mantissa)
            let scaled = exponent < 0 ? magnitude / powersOfTen[-exponent] : magnitude * powersOfTen[exponent]
            value = negative ? -scaled : scaled
        } else {
            guard let parsed = slowPath(p, n) else { return nil }
            value = parsed
        }
        // Up to 15 significant digits always survive a double; more only when the text is
        // how a double prints ("0.30000000000000004", Excel's "1.1000000000000001"). Other
        // digits would be rounded away: refuse, so the value stays exact text.
        if significant &+ dropped > 15 && !DecimalText.isPrinted(value, as: p, n) { return nil }
        return value
    }

    /// The spellings pandas, Spark and databases write for non-finite values; "Nan" or
    /// "INFINITY" in free text stay text.
    private static func special(_ p: UnsafePointer<UInt8>, _ n: Int, negative: Bool) -> Double? {
        func matches(_ word: StaticString) -> Bool {
            guard n == word.utf8CodeUnitCount else { return false }
            return memcmp(p, word.utf8Start, n) == 0
        }
        if !negative && (matches("nan") || matches("NaN") || matches("NAN")) { return .nan }
        if matches("inf") || matches("Inf") || matches("INF") || matches("Infinity") {
            return negative ? -.infinity : .infinity
        }
        return nil
    }

    /// strtod on a NUL-terminated copy: correctly rounded for any length.
    private static func slowPath(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
            for k in 0..<n { buffer[k] = CChar(bitPattern: p[k]) }
            buffer[n] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end - buffer.baseAddress! == n else { return nil }
            // Beyond the double range the text would become ±infinity or zero: keep it text.
            if value.isInfinite { return nil }
            if value == 0 {
                // A non-zero digit before the exponent that still gave 0 underflowed.
                for k in 0..<n {
                    let c = UInt8(bitPattern: buffer[k])
                    if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { break }
                    if c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9") { return nil }
                }
            }
            return value
        }
    }

    /// "true"/"false" in any letter case.
    @inline(__always)
    public static func boolean(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4 && (p[0] | 0x20) == 0x74 && (p[1] | 0x20) == 0x72 && (p[2] | 0x20) == 0x75 && (p[3] | 0x20) == 0x65 {
            return true
        }
        if n == 5 && (p[0] | 0x20) == 0x66 && (p[1] | 0x20) == 0x61 && (p[2] | 0x20) == 0x6C && (p[3] | 0x20) == 0x73
            && (p[4] | 0x20) == 0x65
        {
            return false
        }
        return nil
    }
}
