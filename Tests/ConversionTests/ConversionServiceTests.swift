@testable import Conversion
import ExtensionHost
import Foundation
import Pipeline
import Synchronization
import Testing

/// The front door's routing: a workbook for the built-in engine is opened once at
/// resolution and every sheet is read from it; other routes leave the input unopened.
@Suite struct ConversionServiceTests {
    /// No extensions installed: an empty search path.
    private static func request(_ path: String, output: String? = nil, engine: EngineChoice = .auto) throws -> ConversionRequest {
        let extensions = try Fixture.temporaryDirectory()
        return ConversionRequest(
            options: ConvertRequest(inputPath: path, outputPath: output), engine: engine,
            environment: ["PYFORGE_EXTENSIONS_PATH": extensions, "HOME": extensions])
    }

    @Test(arguments: [EngineChoice.auto, .core])
    func aWorkbookForTheBuiltInEngineIsOpenedAtResolution(engine: EngineChoice) throws {
        let prepared = try ConversionService.prepare(Self.request(Fixture.path("three-sheets.xlsx"), engine: engine))
        #expect(prepared.route == .builtInParts)
        #expect(prepared.input.parts == ["north", "south"])
    }

    @Test func otherInputsGoThroughEngineRoutingUnopened() throws {
        let csv = try ConversionService.prepare(Self.request(Fixture.path("small.csv")))
        #expect(csv.route == .engineRouting)
        #expect(csv.input.format == .csv)
        #expect(csv.input.size == 8)
    }

    @Test func aWorkbookWhoseSheetsConvertToOneOutputEachIsReadFromTheResolvedInput() throws {
        let output = try Fixture.temporaryDirectory()
        let prepared = try ConversionService.prepare(Self.request(Fixture.path("three-sheets.xlsx"), output: output + "/"))
        let results = try prepared.run(progress: nil, logger: .init(label: "test"))
        #expect(results.map(\.output) == [output + "/north.parquet", output + "/south.parquet"])
        #expect(results.map(\.rows) == [3, 2])
        #expect(results.allSatisfy { $0.bytesIn == prepared.input.size && $0.inputFormat == "xlsx" })
    }

    /// Each conversion carries its own workbook: two at once in one process each read
    /// their own (the process-wide slot they once shared is gone).
    @Test func twoWorkbooksConvertedAtOnceEachReadTheirOwn() throws {
        let output = try Fixture.temporaryDirectory()
        let inputs = [("three-sheets.xlsx", [3, 2]), ("one-sheet.xlsx", [5])]
        let outcomes = Mutex<[String: [Int]]>([:])
        DispatchQueue.concurrentPerform(iterations: 20) { round in
            let (name, _) = inputs[round % 2]
            let directory = output + "/\(round)/"
            guard let request = try? Self.request(Fixture.path(name), output: directory),
                let results = try? ConversionService.prepare(request).run(progress: nil, logger: .init(label: "test"))
            else { return }
            outcomes.withLock { $0["\(round)"] = results.map(\.rows) }
        }
        let rows = outcomes.withLock { $0 }
        #expect(rows.count == 20)
        for round in 0..<20 { #expect(rows["\(round)"] == inputs[round % 2].1) }
    }
}
