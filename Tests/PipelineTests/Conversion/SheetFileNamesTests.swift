@testable import Pipeline
import Testing

/// The file names a workbook's sheets convert to (WorkbookConversion).
@Suite struct SheetFileNamesTests {
    @Test func sheetFileNamesAreSafeAndDistinct() {
        #expect(SheetFileNames.make(["Data", "a/b", "a:b", "DATA", " .hidden. ", "", "Q1 \"x\" <y>|z"])
            == ["Data", "a_b", "a_b_2", "DATA_2", "hidden", "sheet_6", "Q1 _x_ _y__z"])
    }
}
