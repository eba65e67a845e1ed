import TestSupport
import Foundation
import Testing

@testable import CSVFormat
@testable import FormatKit
@testable import Pipeline

/// `validate` reads the input with the same `ConvertOptions` as `info` (the CLI's and serve's schema).
@Suite struct FileInspectorOptionsTests {
    @Test func validateWithOptionsReadsTheColumnsInfoReads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Commas inside semicolon-separated fields: the delimiter decides the columns.
        let path = try writeFile(directory, "semi.csv", Array("a,x;b,y\n1,2;3,4\n5,6;7,8\n".utf8))
        var options = ConvertOptions()
        options.delimiter = try CSVDelimiter(optionText: ";")
        let info = try FileInspector.info(path: path, options: options)
        let report = FileInspector.validate(path: path, options: options)
        #expect(report.valid && report.errors.isEmpty)
        #expect(report.columns.map(\.name) == ["a,x", "b,y"])
        #expect(report.columns.map(\.name) == info.columns.map(\.name) && report.rows == 2)
        // Without the option the file reads otherwise, so the option was used.
        #expect(FileInspector.validate(path: path, options: ConvertOptions()).columns.map(\.name) != ["a,x", "b,y"])
    }

    @Test func validateWithOptionsReportsAFileTheOptionsCannotRead() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try writeFile(directory, "wide.csv", Array("a;b\n1;2;3\n".utf8))
        var options = ConvertOptions()
        options.delimiter = try CSVDelimiter(optionText: ";")
        let refused = FileInspector.validate(path: path, options: options)
        #expect(!refused.valid && refused.errors.count == 1)
        options.allowRagged = true
        #expect(FileInspector.validate(path: path, options: options).valid)
    }
}
