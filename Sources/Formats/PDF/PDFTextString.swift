/// Text strings outside content streams (§7.9.2.2): UTF-16BE with a BOM, UTF-8 with a BOM
/// (PDF 2.0), else PDFDocEncoding.
public enum PDFTextString {
    public static func decode(_ bytes: [UInt8]) -> String {
        if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF {
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 2
            while i + 1 < bytes.count {
                units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            return String(decoding: units.filter { $0 != 0 }, as: UTF16.self)
        }
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            return String(decoding: bytes.dropFirst(3).filter { $0 != 0 }, as: UTF8.self)
        }
        var text = String.UnicodeScalarView()
        for b in bytes where b != 0 {
            text.append(Unicode.Scalar(pdfDocEncoding(b)) ?? "\u{FFFD}")
        }
        return String(text)
    }

    /// PDFDocEncoding: Latin-1 except 0x18–0x1F, 0x80–0xA0 (Annex D.2).
    static func pdfDocEncoding(_ b: UInt8) -> UInt32 {
        switch b {
        case 0x18...0x1F: return UInt32(low[Int(b - 0x18)])
        case 0x80...0xA0: return UInt32(high[Int(b - 0x80)])
        default: return UInt32(b)
        }
    }

    private static let low: [UInt16] = [0x02D8, 0x02C7, 0x02C6, 0x02D9, 0x02DD, 0x02DB, 0x02DA, 0x02DC]
    private static let high: [UInt16] = [
        0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212, 0x2030, 0x201E, 0x201C, 0x201D, 0x2018,
        0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141, 0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD,
        0x20AC,
    ]

    /// `D:YYYYMMDDHHmmSSOHH'mm'` (§7.9.4) as ISO 8601 (`2024-01-02T03:04:05+01:00`); other
    /// text is returned as it is.
    public static func date(_ text: String) -> String {
        var s = Substring(text)
        if s.hasPrefix("D:") { s = s.dropFirst(2) }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard digits.count >= 4 else { return text }
        func part(_ start: Int, _ length: Int, _ fallback: String) -> String {
            guard digits.count >= start + length else { return fallback }
            let from = digits.index(digits.startIndex, offsetBy: start)
            return String(digits[from..<digits.index(from, offsetBy: length)])
        }
        var result = "\(part(0, 4, "0000"))-\(part(4, 2, "01"))-\(part(6, 2, "01"))"
        guard digits.count >= 10 else { return result }
        result += "T\(part(8, 2, "00")):\(part(10, 2, "00")):\(part(12, 2, "00"))"
        let zone = s.dropFirst(digits.count)
        if zone.first == "Z" {
            result += "Z"
        } else if let sign = zone.first, sign == "+" || sign == "-" {
            let numbers = zone.dropFirst().filter { $0.isASCII && $0.isNumber }
            let hours = numbers.prefix(2), minutes = numbers.dropFirst(2).prefix(2)
            if hours.count == 2 { result += "\(sign)\(hours):\(minutes.count == 2 ? String(minutes) : "00")" }
        }
        return result
    }
}
