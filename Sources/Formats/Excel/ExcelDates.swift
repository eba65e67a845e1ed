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

    /// Days from 1970-01-01 to 0001-01-01 and to 9999-12-31: the dates a serial may stand for
    /// (Excel shows none after 9999-12-31; readers of the output hold none before year 1).
    static let firstDay: Int64 = -719_162, lastDay: Int64 = 2_932_896

    /// The whole serials that are dates, as a sentence's range ("-693593 to 2958465").
    public var validSerials: String { "\(Self.firstDay - epochDays) to \(Self.lastDay - epochDays)" }

    /// Microseconds since 1970-01-01 for a serial, rounded to the millisecond (the precision
    /// Excel keeps; it is also what openpyxl and Excel's own display round to).
    ///
    /// In the 1900 system, serials below 60 count from 1899-12-31 because Excel believes
    /// 1900 was a leap year; serial 60 (the non-existent 1900-02-29) reads as 1900-02-28,
    /// as openpyxl reads it. Serials from 61 on need no correction. nil outside the dates
    /// from 0001-01-01 to 9999-12-31.
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
        guard (Self.firstDay...Self.lastDay).contains(epochDays + days) else { return nil }
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
