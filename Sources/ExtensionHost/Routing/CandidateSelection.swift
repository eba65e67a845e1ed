import PyForgeCore
import FormatKit

/// Which extensions may convert a file, and what the host tells them about the engine:
/// claimed paths (§15.3) go to their claimants whatever the engine; `--engine NAME` picks
/// an extension by name (no fallback) or by an engine it provides (`spark`, §15.2); `auto`
/// offers the file to every extension whose manifest lists both formats.
struct CandidateSelection {
    var candidates: [DiscoveredExtension]
    /// Extensions claiming the input's or the output's path.
    var claimants: [DiscoveredExtension]
    /// The output is a claimed path: delegation is direct.
    var claimedOutput: Bool
    /// `auto`, `core`, or the engine name asked for (`options.engine`).
    var engineOption: String
    /// `--engine EXTENSION-NAME`: that extension or an error, never the built-in engine.
    var required: String?

    /// An engine an extension provides, such as `spark`, was asked for.
    var isEngineAlias: Bool { engineOption != "auto" && engineOption != "core" }

    init(
        report: DiscoveryReport, request: ConvertRequest, outputPath: String, inputFormat: String, format: OutputFormat,
        engine: EngineChoice
    ) throws(ConversionError) {
        claimants = report.found.filter { $0.manifest.claims(request.inputPath) || $0.manifest.claims(outputPath) }
        claimedOutput = claimants.contains { $0.manifest.claims(outputPath) }
        candidates = report.found.filter {
            $0.manifest.inputFormats.contains(inputFormat) && $0.manifest.outputFormats.contains(format.rawValue)
        }
        engineOption = engine == .core ? "core" : "auto"
        if case .named(let name) = engine {
            if let chosen = report.found.first(where: { $0.manifest.name == name }) {
                candidates = [chosen]
                required = name
            } else if let provider = report.found.first(where: { ($0.manifest.engines ?? []).contains(name.lowercased()) }) {
                candidates = [provider]
                engineOption = name.lowercased()
            } else {
                let refused = (report.invalid + report.insecure).first { $0.directory.hasSuffix("/" + name) }
                throw .invalidOption("No usable extension named '\(name)'" + (refused.map { ": \($0.reason)" } ?? " is installed (see 'pyforge extensions list')") + ".")
            }
        }
        if !claimants.isEmpty && request.table == nil { candidates = claimants }
    }
}
