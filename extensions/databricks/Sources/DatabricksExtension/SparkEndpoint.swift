import DatabricksEnvironment
import SparkConnect

/// The Spark Connect server this process would use: `SPARK_REMOTE` (the host passes
/// `--spark-remote` this way; in a Databricks notebook it is the `unix://` socket of the
/// notebook's own Spark), else Databricks Connect settings — a workspace host and token
/// with a classic cluster id (`x-databricks-cluster-id`) or serverless compute
/// (`x-databricks-session-id`), over TLS on port 443.
struct SparkEndpoint: Sendable {
    var remote: SparkRemote
    var isDatabricks: Bool
    /// Where it points, without secrets.
    var summary: String

    /// A server on this machine (a loopback address, not a Databricks endpoint) reads the
    /// files this process reads; any other reads only what its cluster sees.
    var sharesLocalFiles: Bool { !isDatabricks && SparkRemote.isLoopback(host: remote.host) }

    static func resolve(environment: [String: String]) throws(EndpointError) -> SparkEndpoint? {
        let retryPolicy: SparkRetryPolicy
        do { retryPolicy = try SparkRetryPolicy.fromEnvironment(environment) } catch { throw EndpointError(message: error.description) }
        guard var endpoint = try resolveRemote(environment: environment) else { return nil }
        endpoint.remote.retryPolicy = retryPolicy
        return endpoint
    }

    private static func resolveRemote(environment: [String: String]) throws(EndpointError) -> SparkEndpoint? {
        if let text = environment["SPARK_REMOTE"], !text.isEmpty {
            let remote: SparkRemote
            do { remote = try SparkRemote(parsing: text) } catch { throw EndpointError(message: error.description) }
            // A socket is the notebook's own Spark: only Databricks hands one to a process
            // (serverless notebooks and standard-access clusters).
            if let path = remote.unixSocketPath {
                return SparkEndpoint(remote: remote, isDatabricks: true, summary: "the notebook's Spark at unix://\(path)")
            }
            let databricks = remote.headers.keys.contains { $0.hasPrefix("x-databricks-") }
            return SparkEndpoint(remote: remote, isDatabricks: databricks, summary: "Spark Connect at \(remote)")
        }
        let credentials: WorkspaceCredentials?
        do { credentials = try WorkspaceCredentials.resolve(environment: environment) } catch { throw EndpointError(message: "\(error)") }
        guard let credentials, credentials.clusterID != nil || credentials.serverless else { return nil }
        var host = credentials.host
        for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host.removeFirst(scheme.count) }
        if let slash = host.firstIndex(of: "/") { host = String(host[..<slash]) }
        var remote = SparkRemote(host: host, port: 443, token: credentials.token, useTLS: true)
        if let cluster = credentials.clusterID {
            remote.headers["x-databricks-cluster-id"] = cluster
            return SparkEndpoint(remote: remote, isDatabricks: true, summary: "Databricks cluster \(cluster) at \(host)")
        }
        remote.headers["x-databricks-session-id"] = SparkSession.newSessionID()
        return SparkEndpoint(remote: remote, isDatabricks: true, summary: "Databricks serverless at \(host)")
    }
}

/// The Spark endpoint settings are present but wrong.
struct EndpointError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}
