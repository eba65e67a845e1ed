import ExtensionHost
import FormatKit
import Pipeline

/// One conversion as a front end (the CLI, `serve`) asks for it: the options, the engine
/// and the environment that names the extension search path and engine settings.
public struct ConversionRequest: Sendable {
    public var options: ConvertRequest
    public var engine: EngineChoice
    public var environment: [String: String]

    public init(options: ConvertRequest, engine: EngineChoice, environment: [String: String]) {
        self.options = options
        self.engine = engine
        self.environment = environment
    }
}
