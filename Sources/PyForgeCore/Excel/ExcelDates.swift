/// Excel stores dates and times as serial day numbers ("serials") whose meaning depends
/// on the workbook's date system.
public enum ExcelDateSystem: Sendable, Equatable {
    /// Serial 1 = 1900-01-01, with Lotus 1-2-3's phantom 1900-02-29 at serial 60.
    case excel1900
    /// Serial 0 = 1904-01-01 (old Mac workbooks, `date1904="1"`).
    case excel1904

    /// Days from 1970-01-01 to the day serial 0 counts from.
    private var epochDays: Int64 {
        switch self {
        case .excel1900: return -25_569  // 1899-12-30
        case .excel1904: return -24_107  // 1904-01-01
        }
    }

    /// Microseconds since 1970-01-01 for a serial, rounded to the millisecond (the precision
    /// Excel keeps; it is also what openpyxl and Excel's own display round to).
    ///
    /// In the 1900 system, serials below 60 count from 1899-12-31 because Excel believes
    /// 1900 was a leap year; serial 60 (the non-existent 1900-02-29) reads as 1900-02-28,
    /// as openpyxl reads it. Serials from 61 on need no correction.
    public func micros(serial: Double) -> Int64? {
        guard serial.isFinite, abs(serial) < 3_000_000 else { return nil }
        var day = serial.rounded(.down)
        var millis = ((serial - day) * 86_400_000).rounded()
        if millis >= 86_400_000 {
            day += 1
            millis -= 86_400_000
        }
        var days = Int64(day)
        if self == .excel1900 && serial > 0 && serial < 60 { days += 1 }
        return (epochDays + days) * 86_400_000_000 + Int64(millis) * 1000
    }

    /// Days since 1970-01-01 of a whole-day serial.
    public func days(serial: Double) -> Int32? {
        guard let micros = micros(serial: serial) else { return nil }
        return Int32(micros.floorDivided(by: 86_400_000_000))
    }
}

extension Int64 {
    func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

/// Whether a cell's number format shows a date or time.
public enum ExcelNumberFormat {
    /// Built-in formats (ECMA-376 §18.8.30) that show dates or times: 14–22 and 45–47,
    /// plus the East Asian date ids 27–36 and 50–58 that Excel maps to local date formats.
    public static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id)
    }

    /// Whether a custom format code shows a date or time: a y, m, d, h or s outside quotes,
    /// escapes and brackets, in the first section. Elapsed-time codes (`[h]:mm`) are
    /// durations and stay numbers, as openpyxl reads them as timedeltas, not dates.
    public static func isDateCode(_ code: String) -> Bool {
        var inQuote = false
        var bracket = false
        var escaped = false
        var bracketText = ""
        for scalar in code.unicodeScalars {
            if escaped { escaped = false; continue }
            if inQuote {
                if scalar == "\"" { inQuote = false }
                continue
            }
            if bracket {
                if scalar == "]" {
                    bracket = false
                    let lower = bracketText.lowercased()
                    if lower == "h" || lower == "hh" || lower == "m" || lower == "mm" || lower == "s" || lower == "ss" { return false }
                } else {
                    bracketText.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": inQuote = true
            case "\\", "_", "*": escaped = true  // the next character is literal or padding
            case "[": bracket = true; bracketText = ""
            case ";": return false  // only the first (positive-number) section decides
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S": return true
            case "e", "E":
                // "E+" is scientific notation; a lone e is the Japanese era year.
                continue
            default: continue
            }
        }
        return false
    }
}

/// A cell reference such as `C7`: zero-based column and one-based row.
public enum CellReference {
    /// Parses `r="C7"` (absolute `$C$7` accepted); nil when it is not a reference.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (column: Int, row: Int)? {
        var i = 0
        let n = bytes.count
        if i < n && bytes[i] == UInt8(ascii: "$") { i += 1 }
        var column = 0
        let letters = i
        while i < n {
            let b = bytes[i] | 0x20
            guard b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") else { break }
            column = column * 26 + Int(b - UInt8(ascii: "a") + 1)
            if column > 16_384 { return nil }
            i += 1
        }
        guard i > letters else { return nil }
        if i < n && bytes[i] == UInt8(ascii: "$") { i += 1 }
        var row = 0
        let digits = i
        while i < n, bytes[i] &- 48 < 10 {
            row = row * 10 + Int(bytes[i] - 48)
            if row > 1_048_576 { return nil }
            i += 1
        }
        guard i == n, i > digits || digits == n else { return nil }
        return (column - 1, row)
    }

    public static func parse(_ text: String) -> (column: Int, row: Int)? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// The letters of a zero-based column index (0 → A, 26 → AA).
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(UnicodeScalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }
}
