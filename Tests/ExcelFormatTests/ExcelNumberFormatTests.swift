@testable import ExcelFormat
import Testing

@Suite struct ExcelNumberFormatTests {
    @Test func builtInDateFormats() {
        for id in [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47] {
            #expect(ExcelNumberFormat.isBuiltInDate(id), "format \(id)")
        }
        for id in [0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 44, 48, 49] {
            #expect(!ExcelNumberFormat.isBuiltInDate(id), "format \(id)")
        }
    }

    @Test(arguments: [
        "yyyy-mm-dd", "dd/mm/yyyy hh:mm:ss.000", "hh:mm:ss", "h:mm AM/PM", "mmm d, yyyy", "[$-409]d\\-mmm\\-yy;@",
        "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", "d.m.yy", "YYYY-MM-DD", "[Red]yyyy-mm-dd", "\"Date: \"yyyy-mm-dd",
    ])
    func dateCodes(code: String) {
        #expect(ExcelNumberFormat.isDateCode(code), "\(code)")
    }

    @Test(arguments: [
        "General", "0", "0.00", "#,##0.00", "0.00E+00", "0%", "@", "0.00\" days\"", "\"hms\"0", "#,##0 \\m",
        "[h]:mm:ss", "[mm]:ss", "[ss].0", "_-* #,##0.00_-", "[Red]-0.00", "0;[Red]-0;\"zero d\"", "[$USD] #,##0",
    ])
    func numberCodes(code: String) {
        #expect(!ExcelNumberFormat.isDateCode(code), "\(code)")
    }
}
