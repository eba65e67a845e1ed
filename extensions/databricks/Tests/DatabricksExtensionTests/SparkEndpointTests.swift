import SparkConnect
import Testing

@testable import DatabricksExtension

@Suite struct SparkEndpointTests {
    static let notebook = "unix:///databricks/sparkconnect/grpc.sock;user_id=4711;session_id=550e8400-e29b-41d4-a716-446655440000;token=SECRETTOKEN"

    // The notebook's own Spark: a socket only Databricks provides, summarised without secrets.
    @Test func aUnixSocketIsTheNotebooksSpark() throws {
        let endpoint = try #require(try SparkEndpoint.resolve(environment: ["SPARK_REMOTE": Self.notebook]))
        #expect(endpoint.isDatabricks)
        #expect(endpoint.remote.unixSocketPath == "/databricks/sparkconnect/grpc.sock")
        #expect(endpoint.summary == "the notebook's Spark at unix:///databricks/sparkconnect/grpc.sock")
        #expect(!endpoint.summary.contains("SECRETTOKEN") && !endpoint.summary.contains("4711"))
    }

    @Test func aMalformedSocketRemoteIsASentence() {
        #expect {
            try SparkEndpoint.resolve(environment: ["SPARK_REMOTE": "unix://databricks/grpc.sock;token=SECRETTOKEN"])
        } throws: { error in
            let message = "\(error)"
            return message.contains("must be absolute") && !message.contains("SECRETTOKEN") && message.hasSuffix(".")
        }
    }

    @Test func retrySettingsReachTheRemote() throws {
        let endpoint = try #require(try SparkEndpoint.resolve(environment: ["SPARK_REMOTE": "sc://h", "PYFORGE_SPARK_RETRY_MAX_SECONDS": "4"]))
        #expect(endpoint.remote.retryPolicy.maximumTotalWait == .seconds(4))
        #expect(try SparkEndpoint.resolve(environment: ["SPARK_REMOTE": "sc://h"])?.remote.retryPolicy == SparkRetryPolicy())
    }

    @Test func badRetrySettingsAreReported() {
        #expect {
            try SparkEndpoint.resolve(environment: ["SPARK_REMOTE": "sc://h", "PYFORGE_SPARK_MAX_RETRIES": "lots"])
        } throws: { error in "\(error)".contains("PYFORGE_SPARK_MAX_RETRIES is 'lots'") }
    }

    @Test func aPlainScRemoteIsNotDatabricks() throws {
        let endpoint = try #require(try SparkEndpoint.resolve(environment: ["SPARK_REMOTE": "sc://127.0.0.1:15002"]))
        #expect(!endpoint.isDatabricks && endpoint.summary == "Spark Connect at sc://127.0.0.1:15002")
    }
}
