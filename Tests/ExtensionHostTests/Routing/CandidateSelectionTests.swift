@testable import ExtensionHost
import Foundation
import Pipeline
import Testing
@testable import FormatKit

/// Which extensions the host offers a conversion to (§15.2, §15.3), decided from manifests
/// alone: no process is started.
@Suite struct CandidateSelectionTests {
    static func found(_ name: String, inputs: [String] = ["csv"], outputs: [String] = ["parquet"], engines: [String]? = nil, prefixes: [String]? = nil) -> DiscoveredExtension {
        let manifest = ExtensionManifest(
            name: name, version: "1.0.0", executable: "run", protocolVersions: [], inputFormats: inputs, outputFormats: outputs,
            engines: engines, pathPrefixes: prefixes)
        return DiscoveredExtension(manifest: manifest, directory: "/ext/\(name)", executable: "/ext/\(name)/run")
    }

    static let allStrings = found("allstrings")
    static let jsonOnly = found("jsononly", inputs: ["json"])
    static let databricks = found("databricks", inputs: ["csv", "json"], outputs: ["parquet"], engines: ["spark"], prefixes: ["/Volumes/"])

    static func select(
        _ extensions: [DiscoveredExtension], input: String = "/data/a.csv", output: String = "/out/a.parquet", engine: EngineChoice = .auto,
        table: String? = nil, refused: [DiscoveryReport.Refused] = []
    ) throws(ConversionError) -> CandidateSelection {
        var report = DiscoveryReport()
        report.found = extensions
        report.invalid = refused
        var request = ConvertRequest(inputPath: input, outputPath: output)
        request.table = table
        return try CandidateSelection(
            report: report, request: request, outputPath: output, inputFormat: "csv",
            format: .parquet, engine: engine)
    }

    @Test func autoOffersEveryExtensionListingBothFormats() throws {
        let selection = try Self.select([Self.allStrings, Self.jsonOnly, Self.databricks])
        #expect(selection.candidates.map(\.manifest.name) == ["allstrings", "databricks"])
        #expect(selection.claimants.isEmpty && !selection.claimedOutput)
        #expect(selection.engineOption == "auto" && selection.required == nil && !selection.isEngineAlias)
    }

    @Test func aNamedExtensionIsRequiredAlone() throws {
        let selection = try Self.select([Self.allStrings, Self.databricks], engine: .named("databricks"))
        #expect(selection.candidates.map(\.manifest.name) == ["databricks"])
        #expect(selection.required == "databricks")
        #expect(selection.engineOption == "auto")
    }

    /// `--engine spark` picks the extension providing Spark, which is then told the engine.
    @Test(arguments: ["spark", "SPARK"])
    func anEngineNamePicksItsProvider(engine: String) throws {
        let selection = try Self.select([Self.allStrings, Self.databricks], engine: EngineChoice(engine))
        #expect(selection.candidates.map(\.manifest.name) == ["databricks"])
        #expect(selection.required == nil)
        #expect(selection.engineOption == "spark" && selection.isEngineAlias)
    }

    @Test func anExtensionNameWinsOverAnotherExtensionsEngine() throws {
        let named = Self.found("spark")
        let selection = try Self.select([Self.databricks, named], engine: .named("spark"))
        #expect(selection.candidates.map(\.manifest.name) == ["spark"])
        #expect(selection.required == "spark")
    }

    @Test func anUnknownEngineIsAnErrorNamingTheListCommand() {
        #expect {
            try Self.select([Self.allStrings], engine: .named("duckdb"))
        } throws: { error in
            guard case .invalidOption(let message) = error as? ConversionError else { return false }
            return message == "No usable extension named 'duckdb' is installed (see 'pyforge extensions list')."
        }
    }

    @Test func aRefusedExtensionIsNamedWithItsReason() {
        let refused = DiscoveryReport.Refused(directory: "/ext/duckdb", reason: "no executable is named")
        #expect {
            try Self.select([Self.allStrings], engine: .named("duckdb"), refused: [refused])
        } throws: { error in
            guard case .invalidOption(let message) = error as? ConversionError else { return false }
            return message == "No usable extension named 'duckdb': no executable is named."
        }
    }

    /// A claimed path goes to its claimant whatever the engine asked for: the core may not
    /// reach it.
    @Test(arguments: [EngineChoice.auto, .core, .named("allstrings")])
    func aClaimedInputGoesToItsClaimant(engine: EngineChoice) throws {
        let selection = try Self.select([Self.allStrings, Self.databricks], input: "/Volumes/main/raw/files/a.csv", engine: engine)
        #expect(selection.candidates.map(\.manifest.name) == ["databricks"])
        #expect(selection.claimants.map(\.manifest.name) == ["databricks"])
        #expect(!selection.claimedOutput)
    }

    @Test func aClaimedOutputIsDirectDelegation() throws {
        let selection = try Self.select([Self.allStrings, Self.databricks], output: "/Volumes/main/raw/files/a.parquet")
        #expect(selection.candidates.map(\.manifest.name) == ["databricks"])
        #expect(selection.claimedOutput)
    }

    /// Prefixes match whole strings: /Volumes/ does not claim /VolumesBackup/.
    @Test func prefixesAreMatchedAsWritten() throws {
        let selection = try Self.select([Self.allStrings, Self.databricks], input: "/VolumesBackup/a.csv")
        #expect(selection.claimants.isEmpty)
        #expect(!Self.databricks.manifest.claims("/Volumes"))
        #expect(!Self.found("empty", prefixes: [""]).manifest.claims("/anything"))
    }

    /// A table write keeps the engine's candidates: claimants do not replace them.
    @Test func tableWritesKeepTheCandidates() throws {
        let selection = try Self.select([Self.allStrings, Self.databricks], input: "/Volumes/main/raw/files/a.csv", table: "main.sales.orders")
        #expect(selection.candidates.map(\.manifest.name) == ["allstrings", "databricks"])
        #expect(selection.claimants.map(\.manifest.name) == ["databricks"])
    }

    @Test func engineChoiceWords() {
        #expect(EngineChoice("AUTO") == .auto)
        #expect(EngineChoice("Core") == .core)
        #expect(EngineChoice("Databricks") == .named("Databricks"))
    }
}
