import TestSupport
import Foundation
@testable import Pipeline
import Synchronization
import Platform
import Testing
@testable import FormatKit

@Suite struct BatchConversionTests {
    @Test func batchModeNeedsPatternsOrSeveralPaths() {
        #expect(!BatchConversion.isBatch(["a.csv"], outputDirectory: nil))
        #expect(!BatchConversion.isBatch(["a.csv", "out.parquet"], outputDirectory: nil))
        #expect(BatchConversion.isBatch(["a.csv", "b.csv"], outputDirectory: "out"))
        #expect(BatchConversion.isBatch(["a.csv", "b.csv", "c.csv"], outputDirectory: nil))
        #expect(BatchConversion.isBatch(["data/*.csv"], outputDirectory: nil))
        #expect(BatchConversion.isBatch(["data/file?.csv"], outputDirectory: nil))
    }

    @Test func outputsGoToTheDirectoryOrBesideTheInput() throws {
        var template = ConvertRequest(inputPath: "")
        template.format = .ndjson
        let planned = try BatchConversion.plan(["x/a.csv", "b.json"], template: template, outputDirectory: "out/")
        #expect(planned.map(\.outputPath) == ["out/a.ndjson", "out/b.ndjson"])
        let beside = try BatchConversion.plan(["x/a.csv", "b.json"], template: ConvertRequest(inputPath: ""), outputDirectory: nil)
        #expect(beside.map(\.outputPath) == ["x/a.parquet", "b.parquet"])
    }

    /// `--tables` with one table still writes a directory: the plan names the one that
    /// `Converter.convertAll` then writes into.
    @Test func accessDatabasesPlanADirectoryEvenForOneTable() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("EndToEnd/fixtures/access/types.mdb").path
        let out = try makeTemporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var template = ConvertRequest(inputPath: "")
        template.access.tables = ["AllTypes"]
        let planned = try BatchConversion.plan([fixture], template: template, outputDirectory: out)
        #expect(planned.map(\.outputPath) == [out + "/types_parquet"])
        let input = try OpenedInput.open(planned[0], format: .access, size: fileSize(fixture), exists: true)
        let results = try Converter.convertAll(planned[0], input: input)
        #expect(results.map(\.output) == [out + "/types_parquet/AllTypes.parquet"])
        #expect(FileManager.default.fileExists(atPath: out + "/types_parquet/AllTypes.parquet"))
    }

    @Test func clashingOutputsAreRefused() {
        #expect(throws: ConversionError.self) {
            try BatchConversion.plan(["x/a.csv", "y/a.json"], template: ConvertRequest(inputPath: ""), outputDirectory: "out")
        }
    }

    @Test func everyRequestRunsOnceAndFailuresDoNotStopOthers() {
        let requests = (0..<50).map { ConvertRequest(inputPath: "f\($0).csv") }
        let seen = Mutex(0)
        let outcomes = BatchConversion.run(
            requests, workers: 4,
            convert: { (request: ConvertRequest) throws(ConversionError) -> [ConversionResult] in
                if request.inputPath == "f7.csv" { throw .inputNotFound(path: request.inputPath) }
                return []
            },
            finished: { _ in seen.withLock { $0 += 1 } })
        #expect(outcomes.map(\.input) == requests.map(\.inputPath))
        #expect(outcomes.filter { !$0.succeeded }.map(\.input) == ["f7.csv"])
        #expect(seen.withLock { $0 } == 50)
    }
}

@Suite struct SampleDataTests {
    @Test func generatorIsStable() {
        var a = SplitMix64(name: "orders_small")
        var b = SplitMix64(name: "orders_small")
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        var zero = SplitMix64(seed: 0)
        // The reference SplitMix64 sequence for seed 0.
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func civilDates() {
        #expect(SampleOrder.date(0) == "1970-01-01")
        #expect(SampleOrder.date(SampleOrder.firstDay) == "2020-01-01")
        #expect(SampleOrder.date(19_782) == "2024-02-29")
    }

    @Test func escaping() {
        #expect(SampleText.delimited("a,b", delimiter: ",") == "\"a,b\"")
        #expect(SampleText.delimited("say \"hi\"", delimiter: "\t") == "\"say \"\"hi\"\"\"")
        #expect(SampleText.delimited("plain", delimiter: ",") == "plain")
        #expect(SampleText.json("a\"b\n") == "\"a\\\"b\\n\"")
        #expect(SampleText.xml("<a & 'b'>") == "&lt;a &amp; &apos;b&apos;&gt;")
        #expect(SampleWorkbook.column(0) == "A" && SampleWorkbook.column(26) == "AA")
    }
}
