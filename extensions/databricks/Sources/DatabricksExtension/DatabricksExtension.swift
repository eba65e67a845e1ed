import ExtensionProtocol
import PyForgeExtensionKit

/// The `databricks` extension: claims Unity Catalog Volume paths and, where Spark is expected
/// to win, hands conversions to Spark Connect; declines everything else so the core converts.
public struct DatabricksExtension: ExtensionHandler {
    public let info = PeerInfo(name: "databricks", version: "1.0.0")
    let context: ExtensionContext

    public init() {
        context = ExtensionContext.current()
    }

    init(context: ExtensionContext) {
        self.context = context
    }

    public var capabilities: JSONValue? {
        .object([
            "engines": .array([.string("spark")]),
            "methods": .array([.string("environment")]),
            "environment": EnvironmentReport(context: context).json,
        ])
    }

    public func probe(_ params: ProbeParams, context requestContext: RequestContext) async throws -> ProbeResult {
        let job: ConversionJob
        do {
            job = try ConversionJob(input: params.input, output: params.output, options: ConversionOptions(params.options), context: context)
        } catch {
            throw ExtensionError(message: error.message, reason: error.reason)
        }
        if job.options.engine == .spark || job.options.table != nil, context.endpoint == nil {
            return ProbeResult(accept: false, reason: noEndpointAdvice)
        }
        let decision = await job.decide()
        // The choice is worth a line only where Spark was a possibility.
        let shown = context.endpoint != nil || context.environment.isDatabricks ? decision.sentence : nil
        if job.options.table != nil, decision.engine != .spark {
            // Only Spark writes tables: the reason it cannot is the host's error.
            return ProbeResult(accept: false, reason: "Spark cannot write the table: \(context.redact(decision.reason))", decision: shown)
        }
        if decision.engine == .spark || job.touchesVolumes || job.options.table != nil {
            return ProbeResult(accept: true, reason: decision.sentence, priority: 10, decision: shown)
        }
        return ProbeResult(accept: false, reason: decision.reason, decision: shown)
    }

    public func convert(_ params: ConvertParams, context requestContext: RequestContext) async throws -> ConvertResult {
        do {
            let job = try ConversionJob(input: params.input, output: params.output, options: ConversionOptions(params.options), context: context)
            let decision = await job.decide()
            return try await job.run(decision) { requestContext.progress(done: 0, message: $0) }
        } catch let failure as ConversionFailure {
            throw ExtensionError(message: context.redact(failure.message), reason: failure.reason)
        }
    }

    public func handle(method: String, params: JSONValue?, context requestContext: RequestContext) async throws -> JSONValue? {
        guard method == "environment" else { return nil }
        return EnvironmentReport(context: context).json
    }

    private var noEndpointAdvice: String {
        if let problem = context.endpointProblem { return "the Spark endpoint settings are invalid: \(context.redact(problem))" }
        return "no Spark endpoint is configured: set SPARK_REMOTE (sc://host:15002/;token=...), pass --spark-remote, or set DATABRICKS_HOST and DATABRICKS_TOKEN with DATABRICKS_CLUSTER_ID (classic) or DATABRICKS_SERVERLESS_COMPUTE_ID=auto (serverless)"
    }
}
