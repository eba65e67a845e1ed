/// ISO 8601 dates and timestamps, parsed from bytes.
public enum DateTimeParsing {
    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var value = 0
        for k in 0..<count {
            let d = p[k] &- 48
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// `YYYY-MM-DD` → days since 1970-01-01.
    @inline(__always)
    public static func date(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        guard n == 10 else { return nil }
        return datePrefix(p).map { Int32($0) }
    }

    @inline(__always)
    private static func datePrefix(_ p: UnsafePointer<UInt8>) -> Int? {
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
            let year = digits(p, 4), let month = digits(p + 5, 2), let day = digits(p + 8, 2),
            month >= 1, month <= 12, day >= 1, day <= CivilTime.daysInMonth(year: year, month: month)
        else { return nil }
        return CivilTime.daysFromCivil(year: year, month: month, day: day)
    }

    public struct Timestamp {
        public var micros: Int64
        /// The text carried a zone (`Z` or an offset); `micros` is then UTC.
        public var zoned: Bool
    }

    /// `YYYY-MM-DD[T ]HH:MM[:SS[.f…]][Z|±HH[:MM]]` → microseconds since the epoch.
    /// Fractions beyond microseconds are accepted only when the extra digits are zero.
    public static func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int) -> Timestamp? {
        guard n >= 16, let days = datePrefix(p) else { return nil }
        let separator = p[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") else { return nil }
        guard p[13] == UInt8(ascii: ":"), let hour = digits(p + 11, 2), let minute = digits(p + 14, 2),
            hour <= 23, minute <= 59
        else { return nil }
        var i = 16
        var second = 0
        var fraction: Int64 = 0
        if i < n && p[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let s = digits(p + i + 1, 2), s <= 59 else { return nil }
            second = s
            i += 3
            if i < n && (p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) {
                i += 1
                var count = 0
                while i < n, p[i] &- 48 < 10 {
                    let d = Int64(p[i] &- 48)
                    if count < 6 {
                        fraction = fraction * 10 + d
                    } else if d != 0 {
                        return nil  // sub-microsecond precision would be lost
                    }
                    count += 1
                    i += 1
                }
                guard count > 0 else { return nil }
                while count < 6 {
                    fraction *= 10
                    count += 1
                }
            }
        }
        var micros = Int64(days) * CivilTime.microsPerDay
            + Int64(hour * 3600 + minute * 60 + second) * CivilTime.microsPerSecond + fraction
        guard i < n else { return Timestamp(micros: micros, zoned: false) }
        if p[i] == UInt8(ascii: "Z") || p[i] == UInt8(ascii: "z") {
            guard i + 1 == n else { return nil }
            return Timestamp(micros: micros, zoned: true)
        }
        guard p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") else { return nil }
        let sign: Int64 = p[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        let remaining = n - i
        var offsetMinutes: Int
        if remaining == 2, let h = digits(p + i, 2) {
            offsetMinutes = h * 60
        } else if remaining == 4, let h = digits(p + i, 2), let m = digits(p + i + 2, 2), m <= 59 {
            offsetMinutes = h * 60 + m
        } else if remaining == 5, p[i + 2] == UInt8(ascii: ":"), let h = digits(p + i, 2), let m = digits(p + i + 3, 2), m <= 59 {
            offsetMinutes = h * 60 + m
        } else {
            return nil
        }
        guard offsetMinutes <= 18 * 60 else { return nil }
        micros -= sign * Int64(offsetMinutes) * 60 * CivilTime.microsPerSecond
        return Timestamp(micros: micros, zoned: true)
    }
}
