import DatabricksEnvironment
import Values

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// HTTP dates (`Last-Modified`, `Retry-After`) in RFC 9110's IMF-fixdate form,
/// `Sun, 06 Nov 1994 08:49:37 GMT`, the only form servers may send. Parsed by hand because
/// Foundation's `DateFormatter` needs ICU, which would multiply the binary's size.
enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Date? {
        // "Sun," "06" "Nov" "1994" "08:49:37" "GMT"
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
            let day = Int(fields[1]), fields[1].count == 2,
            let month = months.firstIndex(of: String(fields[2])).map({ $0 + 1 }),
            let year = Int(fields[3]), fields[3].count == 4
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (1...CivilTime.daysInMonth(year: year, month: month)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }
}
