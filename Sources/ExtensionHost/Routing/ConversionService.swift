import Logging
import PyForgeCore
import FormatKit

/// One conversion as the CLI and `serve` run it: a workbook may give one output per sheet and
/// an Access database one per table (read by the built-in engine); anything else goes
/// through the extension router.
public enum ConversionService {
    public static func convert(
        _ request: ConvertRequest, engine: EngineChoice, environment: [String: String], progress: ProgressCounter?,
        logger: Logger
    ) throws(ConversionError) -> [ConversionResult] {
        let format = InputFormat(path: request.inputPath)
        let report = ExtensionRouter.discover(environment)
        let claimed = report.claimsAPath(of: request) && !ExtensionRouter.forcesCore(environment)
        let run = { () throws(ConversionError) -> [ConversionResult] in
            if format == .excel || format == .access, engine == .auto || engine == .core, !claimed {
                return try Converter.convertAll(request, progress: progress, logger: logger)
            }
            return [try ExtensionRouter.convert(request, engine: engine, environment: environment, report: report, progress: progress, logger: logger)]
        }
        // A path an extension claims (a Volume) is not on this machine's file system.
        return claimed ? try run() : try Converter.creatingOutputDirectories(for: request, run)
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
