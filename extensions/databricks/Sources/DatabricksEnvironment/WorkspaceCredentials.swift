/// A Databricks workspace host and how to authenticate to it (a personal access token, OAuth
/// client credentials or the Databricks CLI's cached login), read from the environment or a
/// config file profile.
///
/// Credentials live only in memory: they are not `Codable`, and ``description``,
/// `debugDescription` and reflection (`dump`) never show any part of the token.
/// Use ``redact(_:)`` on any text that could echo it (server error bodies, transport errors).
public struct WorkspaceCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The workspace URL, normalised: `https://adb-123.4.azuredatabricks.net` (scheme added, no trailing `/`).
    public var host: String
    /// The bearer token known now: the personal access token, or the Databricks CLI's cached
    /// access token; empty for OAuth machine-to-machine, whose tokens are fetched when needed.
    /// Never print it.
    public var token: String
    /// Which kind of credentials these are (and the OAuth client, for machine-to-machine).
    public var authentication: WorkspaceAuthentication = .personalAccessToken
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

    /// The host and where the credentials came from; never a token or secret.
    public var description: String {
        var text: String
        switch authentication {
        case .personalAccessToken: text = "\(host) (token from \(tokenSource ?? source))"
        case .oauthMachineToMachine(let clientID, _): text = "\(host) (OAuth client \(clientID) from \(source))"
        case .databricksCLI: text = "\(host) (Databricks CLI login via \(source))"
        }
        if let clusterID { text += ", cluster \(clusterID)" }
        if serverless { text += ", serverless" }
        return text
    }

    /// As ``description``, never the token.
    public var debugDescription: String { "WorkspaceCredentials(\(description))" }

    /// What `dump` shows: everything but the token.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "token": "[REDACTED]", "authType": authentication.authType, "source": source,
            "clusterID": clusterID as Any, "serverless": serverless,
        ])
    }

    /// Replaces the token (and `Bearer <token>`) and any OAuth client secret with `[REDACTED]`
    /// wherever they appear in `text`.
    public func redact(_ text: String) -> String {
        var text = Self.redact(token, in: text)
        if case .oauthMachineToMachine(_, let secret) = authentication { text = Self.redact(secret.value, in: text) }
        return text
    }

    /// Replaces `secret`, and `Bearer <secret>`, with `[REDACTED]` in `text`.
    public static func redact(_ secret: String, in text: String) -> String {
        guard !secret.isEmpty else { return text }
        return text
            .replacing("Bearer \(secret)", with: "[REDACTED]")
            .replacing(secret, with: "[REDACTED]")
    }

    /// Adds `https://` when no scheme is given and drops trailing slashes.
    static func normalise(host: String) -> String {
        var host = host.trimmingWhitespace()
        if !host.contains("://") { host = "https://" + host }
        while host.hasSuffix("/") { host.removeLast() }
        return host
    }
}
