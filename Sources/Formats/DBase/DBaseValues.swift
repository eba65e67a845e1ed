import Values
/// Field values as dBase writes them: ASCII numbers and dates, little-endian binaries.
enum DBaseValues {
    enum Parsed<T> {
        case blank
        case invalid
        case value(T)
    }

    /// Powers of ten up to 10^38.
    static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 0..<38 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// A right-aligned ASCII number (`  -12.50`) as an unscaled integer at `scale`: blank for
    /// spaces only, invalid for overflow stars (`****`) and anything not a number. Extra
    /// fraction digits round half away from zero; a comma is read as the decimal point.
    static func decimal(_ p: UnsafePointer<UInt8>, _ count: Int, scale: Int) -> Parsed<Int128> {
        var start = 0, end = count
        while start < end, p[start] == 0x20 || p[start] == 0 { start += 1 }
        while end > start, p[end - 1] == 0x20 || p[end - 1] == 0 { end -= 1 }
        guard start < end else { return .blank }
        var negative = false
        if p[start] == UInt8(ascii: "-") || p[start] == UInt8(ascii: "+") {
            negative = p[start] == UInt8(ascii: "-")
            start += 1
        }
        var value: Int128 = 0
        var digits = 0, fraction = 0, dropped = 0
        var seenPoint = false
        var roundUp = false
        for i in start..<end {
            let c = p[i]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: ",") {
                if seenPoint { return .invalid }
                seenPoint = true
            } else if c &- 48 < 10 {
                if seenPoint && fraction == scale {
                    if dropped == 0 { roundUp = c >= UInt8(ascii: "5") }
                    dropped += 1
                } else {
                    // Checked before multiplying: a 39th digit overflows Int128 (N fields may be
                    // up to 254 bytes wide, and no Parquet decimal holds more than 38 digits).
                    if digits == 38 { return .invalid }
                    value = value * 10 + Int128(c &- 48)
                    digits += 1
                    if seenPoint { fraction += 1 }
                }
            } else {
                return .invalid
            }
        }
        guard digits + dropped > 0 else { return .invalid }
        if fraction < scale {
            guard digits + scale - fraction <= 38 else { return .invalid }
            value *= powersOfTen[scale - fraction]
        }
        if roundUp { value += 1 }
        return .value(negative ? -value : value)
    }

    /// `YYYYMMDD` as days since 1970-01-01: blank for spaces or zeros.
    static func date(_ p: UnsafePointer<UInt8>, _ count: Int) -> Parsed<Int32> {
        guard count >= 8 else { return .invalid }
        var blank = true
        var number = 0
        for i in 0..<8 {
            let c = p[i]
            if c != 0x20 && c != 0x30 && c != 0 { blank = false }
            let d = Int(c &- 48)
            number = number * 10 + (d < 10 ? d : 0)
            if d >= 10 && c != 0x20 && c != 0 { return .invalid }
        }
        if blank { return .blank }
        let year = number / 10000, month = number / 100 % 100, day = number % 100
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else { return .invalid }
        return .value(Int32(CivilTime.daysFromCivil(year: year, month: month, day: day)))
    }

    /// Julian day number of 9999-12-31, the last day dBase and FoxPro can show; a larger day
    /// number is damage, and from about 106 million days it would overflow the microseconds.
    static let lastJulianDay: Int64 = 5_373_484

    /// Visual FoxPro `T`: a little-endian Julian day number, then milliseconds since midnight.
    static func timestamp(_ p: UnsafePointer<UInt8>) -> Parsed<Int64> {
        let julian = Int64(Int32(bitPattern: littleEndian32(p)))
        let millis = Int64(Int32(bitPattern: littleEndian32(p + 4)))
        if julian == 0 && millis == 0 { return .blank }
        if julian == 0x2020_2020 { return .blank }
        guard julian > 0, julian <= lastJulianDay, (0..<86_400_000).contains(millis) else { return .invalid }
        return .value((julian - 2_440_588) * CivilTime.microsPerDay + millis * 1000)
    }

    /// L fields: T/t/Y/y true, F/f/N/n false, anything else (`?`, space) null.
    static func logical(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: "Y"), UInt8(ascii: "y"): return 1
        case UInt8(ascii: "F"), UInt8(ascii: "f"), UInt8(ascii: "N"), UInt8(ascii: "n"): return 0
        default: return nil
        }
    }

    /// A memo field's block number: 4 little-endian bytes (Visual FoxPro) or ASCII digits; 0 = none.
    /// Digits beyond what a memo file can hold saturate at `Int.max` (a block past the end of
    /// any file, reported as a missing memo) instead of overflowing.
    static func memoBlock(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int {
        if count == 4 { return Int(littleEndian32(p)) }
        var block = 0
        for i in 0..<count {
            let d = Int(p[i] &- 48)
            if d < 10 {
                if block > (Int.max - 9) / 10 { block = Int.max } else if block != Int.max { block = block * 10 + d }
            } else if p[i] != 0x20 && p[i] != 0 {
                return 0
            }
        }
        return block
    }

    @inline(__always)
    static func littleEndian32(_ p: UnsafePointer<UInt8>) -> UInt32 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt32.self).littleEndian
    }

    @inline(__always)
    static func littleEndian64(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian
    }
}
