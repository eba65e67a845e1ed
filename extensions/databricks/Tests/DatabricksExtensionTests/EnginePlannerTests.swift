import DatabricksEnvironment
import SparkConnect
import Testing

@testable import DatabricksExtension

@Suite struct EnginePlannerTests {
    /// A route Spark can take, and one it cannot.
    let open: Result<SparkRoute, SparkRoute.Blocked> = .success(SparkRoute(input: .shared("/data/in.csv"), staging: .besideLocalOutput))
    let blocked: Result<SparkRoute, SparkRoute.Blocked> = .failure(.init(reason: "the cluster cannot read the local file '/data/in.csv'"))

    let laptop = DatabricksEnvironment.detect(environment: [:], files: .rooted(at: "/nonexistent-root"))
    let serverless = DatabricksEnvironment.detect(environment: ["DATABRICKS_RUNTIME_VERSION": "client.2"], files: .rooted(at: "/nonexistent-root"))
    let local = SparkEndpoint(remote: SparkRemote(host: "127.0.0.1"), isDatabricks: false, summary: "Spark Connect at sc://127.0.0.1:15002")
    let cluster = SparkEndpoint(remote: SparkRemote(host: "adb-1.net", port: 443, useTLS: true), isDatabricks: true, summary: "Databricks cluster 0123 at adb-1.net")

    @Test func withoutAnEndpointTheCoreConverts() {
        let decision = EnginePlanner(environment: laptop, endpoint: nil).decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 5_000_000_000, requested: .auto, route: open)
        #expect(decision == .init(engine: .core, reason: "no Spark endpoint is configured"))
    }

    @Test func aLocalEndpointNeverWinsInAuto() {
        let decision = EnginePlanner(environment: laptop, endpoint: local).decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 50_000_000_000, requested: .auto, route: open)
        #expect(decision.engine == .core)
        #expect(decision.reason.contains("slower than the core engine"))
    }

    @Test func databricksUsesSparkFromTheThreshold() {
        let planner = EnginePlanner(environment: serverless, endpoint: cluster)
        let small = planner.decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 200_000_000, requested: .auto, route: open)
        #expect(small.engine == .core && small.reason == "200 MB CSV is below the Spark threshold of 1 GB")
        let big = planner.decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 2_100_000_000, requested: .auto, route: open)
        #expect(big.engine == .spark)
        #expect(big.sentence == "Using Spark (Databricks serverless (client.2), 2.1 GB CSV; Spark reads the file in place and writes beside the output)")
    }

    @Test func theThresholdCanBeOverridden() {
        let planner = EnginePlanner(environment: laptop, endpoint: local, thresholdOverride: 1000)
        #expect(planner.decide(inputFormat: "json", outputFormat: "parquet", inputBytes: 5000, requested: .auto, route: open).engine == .spark)
    }

    @Test func sparkIsUsedWhenAskedForIfItCanReadTheFormat() {
        let planner = EnginePlanner(environment: laptop, endpoint: local)
        #expect(planner.decide(inputFormat: "xml", outputFormat: "parquet", inputBytes: 10, requested: .spark, route: open).engine == .spark)
        let excel = planner.decide(inputFormat: "xlsx", outputFormat: "parquet", inputBytes: 10, requested: .spark, route: open)
        #expect(excel.engine == .core && excel.reason == "Spark does not read xlsx files")
        let delta = planner.decide(inputFormat: "csv", outputFormat: "delta", inputBytes: 10, requested: .spark, route: open)
        #expect(delta.engine == .core && delta.reason.contains("does not write delta"))
    }

    @Test func aRouteSparkCannotTakeKeepsTheCoreEngineAndSaysWhy() {
        let planner = EnginePlanner(environment: serverless, endpoint: cluster)
        let big = planner.decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 2_100_000_000, requested: .auto, route: blocked)
        #expect(big == .init(engine: .core, reason: "2.1 GB CSV, but the cluster cannot read the local file '/data/in.csv'"))
        // Below the threshold the size is the reason, whatever the route.
        let small = planner.decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 2_000, requested: .auto, route: blocked)
        #expect(small.reason == "2 KB CSV is below the Spark threshold of 1 GB")
        let asked = planner.decide(inputFormat: "csv", outputFormat: "parquet", inputBytes: 2_000, requested: .spark, route: blocked)
        #expect(asked == .init(engine: .core, reason: "the cluster cannot read the local file '/data/in.csv'"))
    }

    @Test func sizesReadLikeAFileBrowser() {
        #expect(formatBytes(999) == "999 bytes")
        #expect(formatBytes(1_500) == "1.5 KB")
        #expect(formatBytes(12_345_678) == "12 MB")
        #expect(formatBytes(2_100_000_000) == "2.1 GB")
    }
}
