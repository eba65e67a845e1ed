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
