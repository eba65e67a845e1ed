import ExtensionHost
import Logging
import FormatKit
import Pipeline

/// The conversion front door, for the CLI and `serve`: a request is resolved once into a
/// `ResolvedInput` and routed. A workbook may give one output per sheet and an Access
/// database one per table (read by the built-in engine); anything else goes through
/// `EngineRouting`, which offers it to the extensions that may convert it.
public enum ConversionService {
    public static func convert(
        _ request: ConvertRequest, engine: EngineChoice, environment: [String: String], progress: ProgressCounter?,
        logger: Logger
    ) throws(ConversionError) -> [ConversionResult] {
        try prepare(ConversionRequest(options: request, engine: engine, environment: environment)).run(progress: progress, logger: logger)
    }

    /// Discovers the extensions, resolves the input and chooses the route; a workbook or
    /// database the built-in engine reads is opened here, once.
    public static func prepare(_ request: ConversionRequest) throws(ConversionError) -> PreparedConversion {
        let report = ExtensionRouter.discover(request.environment)
        let claimed = report.claimsAPath(of: request.options) && !ExtensionRouter.forcesCore(request.environment)
        let input = ResolvedInput(path: request.options.inputPath)
        let builtInParts = input.format == .excel || input.format == .access
        if builtInParts, request.engine == .auto || request.engine == .core, !claimed {
            return PreparedConversion(request: request, input: try input.opening(request.options), route: .builtInParts, report: report, pathClaimed: claimed)
        }
        return PreparedConversion(request: request, input: input, route: .engineRouting, report: report, pathClaimed: claimed)
    }
}

/// A request resolved and routed, ready to run.
public struct PreparedConversion {
    enum Route {
        /// The built-in engine, one output per sheet or table.
        case builtInParts
        /// An extension that accepts it, else the built-in engine (`EngineRouting`).
        case engineRouting
    }

    public let request: ConversionRequest
    public let input: ResolvedInput
    let route: Route
    let report: DiscoveryReport
    /// An installed extension claims the input's or output's path.
    let pathClaimed: Bool

    public func run(progress: ProgressCounter?, logger: Logger) throws(ConversionError) -> [ConversionResult] {
        let run = { () throws(ConversionError) -> [ConversionResult] in
            switch route {
            case .builtInParts:
                return try Converter.convertAll(request.options, input: input.opened, progress: progress, logger: logger)
            case .engineRouting:
                return [try EngineRouting.convert(request, input: input, report: report, progress: progress, logger: logger)]
            }
        }
        // A path an extension claims (a Volume) is not on this machine's file system.
        return pathClaimed ? try run() : try Converter.creatingOutputDirectories(for: request.options, run)
    }
}

extension DiscoveryReport {
    /// True when an installed extension claims the input's or output's path (a Unity
    /// Catalog Volume path): the built-in engine may not reach it.
    fileprivate func claimsAPath(of request: ConvertRequest) -> Bool {
        let paths = [request.inputPath, request.outputPath].compactMap { $0 }
        return found.contains { found in paths.contains(where: found.manifest.claims) }
    }
}
