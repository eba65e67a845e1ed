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
    /// The workspace credentials fetch their tokens (OAuth machine-to-machine): one must be put
    /// into ``remote`` before connecting (`ConversionJob.authorisedEndpoint`).
    var needsWorkspaceToken = false

    /// This endpoint with a bearer token from `token` when it needs one fetched (OAuth
    /// machine-to-machine: the Files API's token source, so both use the same credentials).
    func authorised<Failure: Error>(by token: () async throws(Failure) -> String) async throws(Failure) -> SparkEndpoint {
        guard needsWorkspaceToken else { return self }
        var endpoint = self
        endpoint.remote.token = try await token()
        return endpoint
    }

    /// The server is on this machine: a Unix-domain socket, or a loopback address that is not
    /// a Databricks endpoint. Off Databricks such a server reads the files this process reads
    /// (ExtensionContext.sparkSharesLocalFiles); on a Databricks driver the socket leads to the
    /// cluster, which does not.
    var isOnThisMachine: Bool {
        remote.unixSocketPath != nil || (!isDatabricks && SparkRemote.isLoopback(host: remote.host))
    }

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
        let fetched = credentials.token.isEmpty
        if let cluster = credentials.clusterID {
            remote.headers["x-databricks-cluster-id"] = cluster
            return SparkEndpoint(
                remote: remote, isDatabricks: true, summary: "Databricks cluster \(cluster) at \(host)", needsWorkspaceToken: fetched)
        }
        remote.headers["x-databricks-session-id"] = SparkSession.newSessionID()
        return SparkEndpoint(remote: remote, isDatabricks: true, summary: "Databricks serverless at \(host)", needsWorkspaceToken: fetched)
    }
}

/// The Spark endpoint settings are present but wrong.
struct EndpointError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}
