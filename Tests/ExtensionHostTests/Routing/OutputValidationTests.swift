@testable import ExtensionHost
import Foundation
import ExtensionProtocol
import Pipeline
import Testing

/// The host's check of an extension's output (§12.3): each format is read back with the
/// core's readers and compared with the rows and columns the extension reported.
@Suite struct OutputValidationTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-validation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func reason(_ verdict: Result<[ConversionResult.ColumnSummary], OutputValidation.Refusal>) -> String? {
        if case .failure(let refusal) = verdict { return refusal.reason }
        return nil
    }

    @Test func csvRecordsAreCountedAfterTheHeader() throws {
        let path = try file("a.csv", "id,name\n1,\"x, y\"\n2,\"multi\nline\"\n")
        let verdict = OutputValidation.check(path, format: .csv, rows: 2, declaredColumns: nil)
        #expect(try verdict.get().map(\.name) == ["id", "name"])
        #expect(reason(OutputValidation.check(path, format: .csv, rows: 3, declaredColumns: nil)) == "the file holds 2 rows but the extension reported 3")
    }

    @Test func jsonAndNDJSONMustHaveTheirOwnLayout() throws {
        let array = try file("a.json", "[{\"a\": 1}, {\"a\": 2, \"b\": \"x\"}]")
        #expect(try OutputValidation.check(array, format: .json, rows: 2, declaredColumns: nil).get().map(\.name) == ["a", "b"])
        #expect(reason(OutputValidation.check(array, format: .ndjson, rows: 2, declaredColumns: nil))?.hasPrefix("it is not a valid NDJSON file") == true)
        let lines = try file("a.ndjson", "{\"a\": 1}\n{\"a\": 2}\n")
        #expect(try OutputValidation.check(lines, format: .ndjson, rows: 2, declaredColumns: nil).get().count == 1)
        #expect(reason(OutputValidation.check(lines, format: .json, rows: 2, declaredColumns: nil))?.hasPrefix("it is not a valid JSON file") == true)
    }

    @Test func anNDJSONLineHoldingAnArrayOfObjectsIsOneRecord() throws {
        let path = try file("one.ndjson", "{\"items\": [{\"x\": 1}, {\"x\": 2}]}\n")
        #expect(try OutputValidation.check(path, format: .ndjson, rows: 1, declaredColumns: nil).get().map(\.name) == ["items"])
        let array = try file("wrapped.json", "[{\"items\": [{\"x\": 1}, {\"x\": 2}]}]")
        #expect(try OutputValidation.check(array, format: .json, rows: 1, declaredColumns: nil).get().count == 1)
    }

    @Test func anEmptyFileIsOnlyAnNDJSONWithoutRecords() throws {
        let empty = try file("e.ndjson", "")
        #expect(try OutputValidation.check(empty, format: .ndjson, rows: 0, declaredColumns: nil).get().isEmpty)
        #expect(reason(OutputValidation.check(empty, format: .ndjson, rows: 1, declaredColumns: nil)) == "the output file is empty")
        #expect(reason(OutputValidation.check(empty, format: .csv, rows: 0, declaredColumns: nil)) == "the output file is empty")
    }

    @Test func declaredColumnsWinOverReadOnesExceptForParquetWhereTheyMustMatch() throws {
        let path = try file("a.csv", "id\n1\n")
        let declared = [ConversionResult.ColumnSummary(name: "id", type: "int64", nullable: false)]
        #expect(try OutputValidation.check(path, format: .csv, rows: 1, declaredColumns: declared).get().first?.type == "int64")
        let garbage = try file("a.parquet", "PAR1 not parquet")
        #expect(reason(OutputValidation.check(garbage, format: .parquet, rows: 1, declaredColumns: declared))?.hasPrefix("it is not a readable Parquet file") == true)
    }

    @Test func aDeltaTableWithoutANewVersionIsRefused() throws {
        let verdict = OutputValidation.checkDelta(directory + "/missing-table", before: nil, rows: 0, declaredColumns: nil).verdict
        #expect(reason(verdict) == "it added no version to the Delta table (the table has no version)")
    }
}

/// A failure is quoted inside "Extension 'X' was not used: FAILURE; the built-in engine …".
@Suite struct ExtensionFailureWordingTests {
    @Test func sentencesFromExtensionsLoseTheirFinalPeriod() {
        #expect(ExtensionFailure.declined("only CSV.").description == "it declined: only CSV")
        #expect(ExtensionFailure.errorResponse(ResponseError(code: -32001, message: "The file is not UTF-8. ")).description
            == "it failed: The file is not UTF-8 (code -32001)")
        #expect(ExtensionFailure.badOutput("the output exists.").description == "its output is not valid: the output exists")
    }
}
