import Logging
import PyForgeCore

/// One conversion as the CLI and `serve` run it: a workbook may give one output per sheet and
/// an Access database one per table (read by the built-in engine); anything else goes
/// through the extension router.
public enum ConversionService {
    public static func convert(
        _ request: ConvertRequest, engine: EngineChoice, environment: [String: String], progress: ProgressCounter?,
        logger: Logger
    ) throws(ConversionError) -> [ConversionResult] {
        let format = InputFormat(path: request.inputPath)
        if format == .excel || format == .access, engine == .auto || engine == .core,
            !ExtensionRouter.isClaimed(request, environment: environment)
        {
            return try Converter.convertAll(request, progress: progress, logger: logger)
        }
        return [try ExtensionRouter.convert(request, engine: engine, environment: environment, progress: progress, logger: logger)]
    }
}
