import DatabricksEnvironment

/// Decides which engine converts a file, and says why in words the user sees
/// ("Using Spark (Databricks serverless, 2.1 GB CSV)").
///
/// Spark pays a fixed price per conversion (planning, scheduling, writing through the JVM)
/// and then scales with the cluster; the core engine starts at once and converts at a
/// steady rate on one machine. Spark is worth it only past the size where its fixed cost is
/// repaid, which depends on where it runs:
/// - on Databricks (or with a Databricks workspace endpoint) Spark reads cloud storage with
///   many executors, while the core engine reads through the FUSE mount or the Files API;
/// - a Spark endpoint elsewhere (a local Spark Connect server) runs on the same cores as the
///   core engine and, as measured (benchmarks/spark_vs_core.py), never catches up.
///
/// Size is weighed only once Spark can do the job at all: the route (`SparkRoute`) says
/// whether Spark can read the input and the destination can receive its output, from facts
/// checked on this machine; where it cannot, the reason is the decision's.
struct EnginePlanner: Sendable {
    enum Engine: String, Sendable {
        case spark, core
    }

    struct Decision: Sendable, Equatable {
        var engine: Engine
        var reason: String

        var sentence: String { "Using \(engine == .spark ? "Spark" : "the core engine") (\(reason))" }
    }

    /// Formats Spark's built-in data sources read.
    static let sparkInputs: Set<String> = ["csv", "json", "xml", "parquet"]
    /// Outputs Spark writes as one file.
    static let sparkOutputs: Set<String> = ["parquet", "csv", "ndjson"]

    /// Inputs at least this large go to a Databricks cluster. Measured here: the core engine
    /// converts CSV at ~300-450 MB/s on two cores, and a warm Spark session costs ~1 s before
    /// it writes anything. Assumed (no cluster to measure against): a small cluster sustains
    /// ≥ 1 GB/s from cloud storage, which puts the break-even near 1 GB. Override with
    /// PYFORGE_SPARK_MIN_BYTES.
    static let databricksThreshold: Int64 = 1_000_000_000

    var environment: DatabricksEnvironment
    /// How the Spark endpoint was configured, or nil when there is none.
    var endpoint: SparkEndpoint?
    var thresholdOverride: Int64?

    func decide(
        inputFormat: String, outputFormat: String, inputBytes: Int64, requested: ConversionOptions.Engine,
        route: Result<SparkRoute, SparkRoute.Blocked>
    ) -> Decision {
        let what = "\(formatBytes(inputBytes)) \(inputFormat.uppercased())"
        if requested == .core { return Decision(engine: .core, reason: "--engine core") }
        guard let endpoint else {
            return Decision(engine: .core, reason: "no Spark endpoint is configured")
        }
        guard Self.sparkInputs.contains(inputFormat) else {
            return Decision(engine: .core, reason: "Spark does not read \(inputFormat) files")
        }
        guard Self.sparkOutputs.contains(outputFormat) else {
            return Decision(engine: .core, reason: "Spark does not write \(outputFormat) as one file")
        }
        // Asked for by name, Spark is refused only by what it cannot do; in auto, size
        // comes first (a small file stays on the core engine whatever the route).
        if requested == .spark {
            switch route {
            case .failure(let blocked): return Decision(engine: .core, reason: blocked.reason)
            case .success(let route): return Decision(engine: .spark, reason: "--engine spark, \(endpoint.summary), \(what); \(route.summary)")
            }
        }
        guard let threshold = thresholdOverride ?? (endpoint.isDatabricks || environment.isDatabricks ? Self.databricksThreshold : nil) else {
            return Decision(engine: .core, reason: "\(what); a Spark endpoint off Databricks (\(endpoint.summary)) is slower than the core engine at any size")
        }
        guard inputBytes >= threshold else {
            return Decision(engine: .core, reason: "\(what) is below the Spark threshold of \(formatBytes(threshold))")
        }
        switch route {
        case .failure(let blocked):
            return Decision(engine: .core, reason: "\(what), but \(blocked.reason)")
        case .success(let route):
            let place = environment.isDatabricks ? environment.summary : endpoint.summary
            return Decision(engine: .spark, reason: "\(place), \(what); \(route.summary)")
        }
    }
}
