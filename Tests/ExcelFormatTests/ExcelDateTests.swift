@testable import ExcelFormat
import Testing
import Values
import FormatKit

@Suite struct ExcelDateTests {
    private func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { Int64(CivilTime.daysFromCivil(year: y, month: m, day: d)) }
    private let microsPerDay: Int64 = 86_400_000_000

    @Test(arguments: [
        (1.0, 1900, 1, 1), (2.0, 1900, 1, 2), (59.0, 1900, 2, 28),
        // Serial 60 is Excel's phantom 1900-02-29; it reads as 1900-02-28 (as openpyxl does).
        (60.0, 1900, 2, 28), (61.0, 1900, 3, 1), (25_569.0, 1970, 1, 1), (45_000.0, 2023, 3, 15),
        (2_958_465.0, 9999, 12, 31),
    ])
    func wholeDays1900(serial: Double, y: Int, m: Int, d: Int) {
        #expect(ExcelDateSystem.excel1900.days(serial: serial) == Int32(day(y, m, d)))
    }

    @Test(arguments: [(0.0, 1904, 1, 1), (1.0, 1904, 1, 2), (24_107.0, 1970, 1, 1), (43_538.0, 2023, 3, 15)])
    func wholeDays1904(serial: Double, y: Int, m: Int, d: Int) {
        #expect(ExcelDateSystem.excel1904.days(serial: serial) == Int32(day(y, m, d)))
    }

    @Test func fractionsAreTimesOfDayRoundedToTheMillisecond() {
        let system = ExcelDateSystem.excel1900
        #expect(system.micros(serial: 45_000.5) == day(2023, 3, 15) * microsPerDay + 12 * 3_600_000_000)
        #expect(system.micros(serial: 45_000.75) == day(2023, 3, 15) * microsPerDay + 18 * 3_600_000_000)
        // 1 ms after midnight survives; a hair below the next day rounds up to it.
        #expect(system.micros(serial: 45_000 + 1 / 86_400_000.0) == day(2023, 3, 15) * microsPerDay + 1_000)
        #expect(system.micros(serial: 45_000.999_999_999_9) == day(2023, 3, 16) * microsPerDay)
        // Fractions of serials in the phantom-leap-day range.
        #expect(system.micros(serial: 1.5) == day(1900, 1, 1) * microsPerDay + 12 * 3_600_000_000)
        #expect(system.micros(serial: 60.25) == day(1900, 2, 28) * microsPerDay + 6 * 3_600_000_000)
        #expect(ExcelDateSystem.excel1904.micros(serial: 0.25) == day(1904, 1, 1) * microsPerDay + 6 * 3_600_000_000)
    }

    @Test func nonFiniteAndHugeSerialsAreNotDates() {
        #expect(ExcelDateSystem.excel1900.micros(serial: .nan) == nil)
        #expect(ExcelDateSystem.excel1900.micros(serial: .infinity) == nil)
        #expect(ExcelDateSystem.excel1900.micros(serial: 1e12) == nil)
    }

    @Test func serialsOutsideYears1To9999AreNotDates() {
        // 9999-12-31 is the last date; the day after is none (Excel shows ##### for it).
        #expect(ExcelDateSystem.excel1900.days(serial: 2_958_465) == Int32(day(9999, 12, 31)))
        #expect(ExcelDateSystem.excel1900.micros(serial: 2_958_466) == nil)
        #expect(ExcelDateSystem.excel1900.days(serial: -693_593) == Int32(day(1, 1, 1)))
        #expect(ExcelDateSystem.excel1900.micros(serial: -693_594) == nil)
        #expect(ExcelDateSystem.excel1904.days(serial: 2_957_003) == Int32(day(9999, 12, 31)))
        #expect(ExcelDateSystem.excel1904.micros(serial: 2_957_004) == nil)
        #expect(ExcelDateSystem.excel1900.validSerials == "-693593 to 2958465")
        #expect(ExcelDateSystem.excel1904.validSerials == "-695055 to 2957003")
    }

    @Test func cellTypes() {
        let system = ExcelDateSystem.excel1900
        #expect(ExcelCellType.of(.dateSerial, 45_000, system) == .date)
        #expect(ExcelCellType.of(.dateSerial, 45_000.5, system) == .timestamp)
        #expect(ExcelCellType.of(.dateSerial, 0.5, system) == .time)
        #expect(ExcelCellType.of(.number, 3, system) == .int64)
        #expect(ExcelCellType.of(.number, 3.5, system) == .double)
        #expect(ExcelCellType.of(.number, 1e300, system) == .double)
        #expect(ExcelCellType.int64.join(.double) == .double)
        #expect(ExcelCellType.date.join(.time) == .timestamp)
        #expect(ExcelCellType.boolean.join(.int64) == .string)
        #expect(ExcelCellType.unknown.join(.boolean) == .boolean)
    }

    @Test func textOfCellsInMixedColumns() {
        let system = ExcelDateSystem.excel1900
        #expect(ExcelGeneralFormat.text(.number, 12, system) == "12")
        #expect(ExcelGeneralFormat.text(.number, -0.5, system) == "-0.5")
        #expect(ExcelGeneralFormat.text(.number, 0.1, system) == "0.1")
        #expect(ExcelGeneralFormat.text(.boolean, 1, system) == "TRUE")
        #expect(ExcelGeneralFormat.text(.dateSerial, 45_000, system) == "2023-03-15")
        #expect(ExcelGeneralFormat.text(.dateSerial, 45_000.5, system) == "2023-03-15T12:00:00")
        #expect(ExcelGeneralFormat.text(.dateSerial, 0.5208333333333334, system) == "12:30:00")
    }
}
