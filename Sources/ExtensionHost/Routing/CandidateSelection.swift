import Pipeline
import FormatKit
import Delta

/// Which extensions may convert a file, and what the host tells them about the engine:
/// claimed paths (§15.3) go to their claimants whatever the engine; `--engine NAME` picks
/// an extension by name (no fallback) or by an engine it provides (`spark`, §15.2); `auto`
/// offers the file to every extension whose manifest lists both formats.
public struct CandidateSelection {
    public var candidates: [DiscoveredExtension]
    /// Extensions claiming the input's or the output's path.
    public var claimants: [DiscoveredExtension]
    /// The output is a claimed path: delegation is direct.
    public var claimedOutput: Bool
    /// `auto`, `core`, or the engine name asked for (`options.engine`).
    public var engineOption: String
    /// `--engine EXTENSION-NAME`: that extension or an error, never the built-in engine.
    public var required: String?

    /// An engine an extension provides, such as `spark`, was asked for.
    public var isEngineAlias: Bool { engineOption != "auto" && engineOption != "core" }

    public init(
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

    /// The candidates that may write `format`: Delta outputs go only to extensions that speak
    /// 1.2, which defines how they are written (§16.1), and never with partitioning or schema
    /// merging, which it does not pass on; a claimed path goes to its claimants whatever they speak.
    public func delegable(format: OutputFormat, delta: DeltaOptions) -> [DiscoveredExtension] {
        guard format == .delta && claimants.isEmpty else { return candidates }
        let deltaDelegable = delta.partitionBy.isEmpty && !delta.mergeSchema
        return candidates.filter { deltaDelegable && $0.manifest.protocolVersions.contains { $0 >= .v1_2 } }
    }
}
