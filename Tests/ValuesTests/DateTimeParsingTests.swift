import Testing
import TestSupport
import Values

@Suite struct DateTimeParsingTests {
    @Test(arguments: [
        ("1970-01-01", Int32(0)), ("1969-12-31", -1), ("2000-02-29", 11_016), ("2100-01-01", 47_482),
        ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
    func dates(text: String, days: Int32) {
        #expect(parse(text, DateTimeParsing.date) == days)
    }

    @Test(arguments: ["2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "20240101", "2024-01-32", "2024/01/01"])
    func notDates(text: String) {
        #expect(parse(text, DateTimeParsing.date) == nil)
    }

    @Test func timestamps() {
        let cases: [(String, Int64, Bool)] = [
            ("1970-01-01 00:00:00", 0, false),
            ("1970-01-01T00:00:01.5", 1_500_000, false),
            ("2024-01-15 10:30", 1_705_314_600_000_000, false),
            ("1969-12-31 23:59:59.999999", -1, false),
            ("2024-01-15T10:30:00Z", 1_705_314_600_000_000, true),
            ("2024-01-15T12:30:00+02:00", 1_705_314_600_000_000, true),
            ("2024-01-15T05:30:00-0500", 1_705_314_600_000_000, true),
            ("2024-01-15T10:30:00.123456000", 1_705_314_600_123_456, false),
        ]
        for (text, micros, zoned) in cases {
            let ts = parse(text, DateTimeParsing.timestamp)
            #expect(ts?.micros == micros, "\(text)")
            #expect(ts?.zoned == zoned, "\(text)")
        }
    }

    @Test(arguments: ["2024-01-15 25:00:00", "2024-01-15 10:60", "2024-01-15T10:30:00.1234567", "2024-01-15T10:30:00.123456789", "2024-01-15 10:30:00 UTC", "2024-01-15T10:30:00+25:00", "2024-01-15"])
    func notTimestamps(text: String) {
        #expect(parse(text, DateTimeParsing.timestamp) == nil)
    }

    @Test func formattingRoundTrips() {
        for days: Int32 in [-719_162, -1, 0, 19_000, 2_932_896] {
            let text = ValueFormatting.date(days: days)
            #expect(parse(text, DateTimeParsing.date) == days)
        }
        for micros: Int64 in [-1, 0, 1_705_314_600_123_456, -62_135_596_800_000_000] {
            let text = ValueFormatting.timestamp(micros: micros, utc: false)
            #expect(parse(text, DateTimeParsing.timestamp)?.micros == micros, "\(text)")
        }
        #expect(ValueFormatting.timestamp(micros: 0, utc: true) == "1970-01-01T00:00:00Z")
        #expect(ValueFormatting.decimal(unscaled: -5, scale: 2) == "-0.05")
        #expect(ValueFormatting.decimal(unscaled: 12345, scale: 2) == "123.45")
    }
}
