@testable import Conversion
import FormatKit
import Foundation
@testable import Pipeline
import Testing
@testable import ExcelFormat

/// The front door works out an input's format and size once, and opens a workbook or
/// database (listing its parts) only for the built-in engine.
@Suite struct ResolvedInputTests {
    @Test func aCSVFileIsResolvedWithItsFormatAndSize() throws {
        let input = ResolvedInput(path: Fixture.path("small.csv"))
        #expect(input.format == .csv)
        #expect(input.isLocal)
        #expect(input.size == 8)
        #expect(input.parts.isEmpty)
        let opened = try input.opening(ConvertRequest(inputPath: input.path))
        #expect(opened.parts.isEmpty)
        #expect(opened.opened.opened == nil)
    }

    @Test func aPathNotOnThisMachineHasNoSizeAndOpensNothing() throws {
        let input = ResolvedInput(path: "/Volumes/main/default/landing/missing.xlsx")
        #expect(input.format == .excel)
        #expect(!input.isLocal)
        #expect(input.size == 0)
        let opened = try input.opening(ConvertRequest(inputPath: input.path))
        #expect(opened.parts.isEmpty)
        #expect(opened.opened.opened == nil)
    }

    @Test func anUnknownExtensionHasNoFormat() {
        #expect(ResolvedInput(path: "/tmp/notes.xyz").format == nil)
        #expect(ResolvedInput(path: "/tmp/data.csv.gz").format == .csv)
    }

    @Test func openingAWorkbookListsItsSheetsWithDataAndKeepsItOpen() throws {
        let path = Fixture.path("three-sheets.xlsx")
        let input = try ResolvedInput(path: path).opening(ConvertRequest(inputPath: path))
        #expect(input.format == .excel)
        #expect(input.parts == ["north", "south"])
        #expect(input.opened.sheetPositions == [0, 2])
        let workbook = try #require(input.opened.opened as? ExcelWorkbook)
        #expect(workbook.path == path)
        // A conversion reads from it, unless it has other ZIP limits: then it opens its own workbook.
        let opened = FormatInput(path: path, opened: workbook)
        let same = try #require(try ExcelFormatSupport().open(opened, options: ExcelOptions()) as? ExcelSource)
        #expect(same.workbook === workbook)
        var tighter = ExcelOptions()
        tighter.limits.maxTotalUncompressed = 1 << 20
        let own = try #require(try ExcelFormatSupport().open(opened, options: tighter) as? ExcelSource)
        #expect(own.workbook !== workbook)
    }

    @Test func openingHonoursTheSheetsOption() throws {
        let path = Fixture.path("three-sheets.xlsx")
        var request = ConvertRequest(inputPath: path)
        request.excel.sheets = ["south", "1"]
        let input = try ResolvedInput(path: path).opening(request)
        #expect(input.parts == ["south", "north"])
    }

    @Test func anUnknownSheetFailsAtResolutionWithTheSheetNames() throws {
        let path = Fixture.path("three-sheets.xlsx")
        var request = ConvertRequest(inputPath: path)
        request.excel.sheets = ["west"]
        let error = #expect(throws: ConversionError.self) { try ResolvedInput(path: path).opening(request) }
        #expect(error?.description.contains("no sheet 'west'") == true)
        #expect(error?.description.contains("'north', 'empty', 'south'") == true)
    }
}

enum Fixture {
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name).path
    }

    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conversion-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
