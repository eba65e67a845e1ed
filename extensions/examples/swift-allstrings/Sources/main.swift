// An example extension in Swift, built on PyForgeExtensionKit: it converts CSV to Parquet
// with every column a string (PyForge 1.x's behaviour) for inputs whose name asks for it
// ("*.legacy.csv"), and declines everything else.
import Platform
import Values
import FormatKit
import ExtensionProtocol
import Pipeline
import PyForgeExtensionKit
import CSVFormat

struct AllStringsExtension: ExtensionHandler {
    let info = PeerInfo(name: "example-allstrings", version: "1.0.0")
    /// The same as the manifest's `protocolVersions`.
    let protocolVersions: [ProtocolVersion] = [.v1_0, .v1_1, .v1_2]

    func probe(_ params: ProbeParams, context: RequestContext) async throws -> ProbeResult {
        guard params.input.path.hasSuffix(".legacy.csv"), params.output.format == "parquet" else {
            return ProbeResult(accept: false, reason: "only *.legacy.csv to parquet")
        }
        return ProbeResult(accept: true, priority: 5)
    }

    func convert(_ params: ConvertParams, context: RequestContext) async throws -> ConvertResult {
        context.progress(done: 0, total: 1, message: "converting")
        let request = ConvertRequest(
            inputPath: params.input.path, outputPath: params.output.path, format: .parquet, force: true,
            csv: CSVOptions(allStrings: true))
        do {
            // The core conversion blocks on file I/O: it runs on a thread of its own.
            let result = try await runBlocking { () throws(ConversionError) in try Converter.convert(request) }
            context.progress(done: 1, total: 1)
            return ConvertResult(rows: result.rows, engine: info.name, warnings: result.warnings)
        } catch {
            throw ExtensionError(message: error.description, reason: "conversionFailed")
        }
    }
}

await ExtensionServer.run(AllStringsExtension())
