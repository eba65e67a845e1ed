/// A Databricks workspace host and personal access token, read from the environment or a
/// config file profile.
///
/// Credentials live only in memory: they are not `Codable`, and ``description``,
/// `debugDescription` and reflection (`dump`) never show any part of the token.
/// Use ``redact(_:)`` on any text that could echo it (server error bodies, transport errors).
public struct WorkspaceCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The workspace URL, normalised: `https://adb-123.4.azuredatabricks.net` (scheme added, no trailing `/`).
    public var host: String
    /// The personal access token. Never print it.
    public var token: String
    /// Where the credentials came from, for example `environment (DATABRICKS_HOST, DATABRICKS_TOKEN)`
    /// or `~/.databrickscfg profile DEFAULT`.
    public var source: String
    /// The classic cluster to use: `DATABRICKS_CLUSTER_ID` or the profile's `cluster_id`.
    public var clusterID: String?
    /// Serverless compute requested: `DATABRICKS_SERVERLESS_COMPUTE_ID=auto` or the profile's `serverless_compute_id = auto`.
    public var serverless: Bool
    /// Where the token alone came from (`DATABRICKS_TOKEN` or a profile), where it differs from ``source``.
    var tokenSource: String?

    /// Creates credentials; the host is normalised.
    public init(host: String, token: String, source: String, clusterID: String? = nil, serverless: Bool = false) {
        self.host = Self.normalise(host: host)
        self.token = token
        self.source = source
        self.clusterID = clusterID
        self.serverless = serverless
    }

    /// The host and where the token came from; never the token.
    public var description: String {
        var text = "\(host) (token from \(tokenSource ?? source))"
        if let clusterID { text += ", cluster \(clusterID)" }
        if serverless { text += ", serverless" }
        return text
    }

    /// As ``description``, never the token.
    public var debugDescription: String { "WorkspaceCredentials(\(description))" }

    /// What `dump` shows: everything but the token.
    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "token": "[REDACTED]", "source": source, "clusterID": clusterID as Any, "serverless": serverless])
    }

    /// Replaces the token, and `Bearer <token>`, with `[REDACTED]` wherever it appears in `text`.
    public func redact(_ text: String) -> String {
        guard !token.isEmpty else { return text }
        return text
            .replacing("Bearer \(token)", with: "[REDACTED]")
            .replacing(token, with: "[REDACTED]")
    }

    /// Adds `https://` when no scheme is given and drops trailing slashes.
    static func normalise(host: String) -> String {
        var host = host.trimmingWhitespace()
        if !host.contains("://") { host = "https://" + host }
        while host.hasSuffix("/") { host.removeLast() }
        return host
    }
}
