import Testing
@testable import FormatKit

@Suite struct ColumnNamesTests {
    @Test func repeatedNamesGetTheFirstFreeSuffixAndAreReported() {
        var names = ColumnNames()
        let result = ["x", "x", "x_1", " x ", ""].enumerated().map { names.unique($1, position: $0) }
        #expect(result == ["x", "x_1", "x_1_1", "x_2", "column_5"])
        #expect(names.renames.map(\.renamed) == ["x_1", "x_1_1", "x_2"])
        #expect(names.renames[1] == ColumnNames.Rename(original: "x_1", renamed: "x_1_1", earlier: 1, position: 2))
        let warning = names.warning(in: "t.csv") { "column \($0 + 1)" } ?? ""
        #expect(warning.contains("the column of column 2 is 'x_1' because 'x' is taken by column 1"))
        #expect(warning.contains("'t.csv'"))
    }

    @Test func distinctNamesGiveNoWarning() {
        var names = ColumnNames()
        #expect(names.distinct("a.b", position: 0) == "a.b")
        #expect(names.distinct("a", position: 1) == "a")
        #expect(names.warning(in: "t.json") { "\($0)" } == nil)
    }

    @Test func manyRenamesAreSummarised() {
        var names = ColumnNames()
        for k in 0..<8 { _ = names.distinct("v", position: k) }
        let warning = names.warning(in: "t.csv") { "column \($0 + 1)" } ?? ""
        #expect(warning.contains("'v_5'") && !warning.contains("'v_6'") && warning.contains("and 2 more"))
    }
}
