/// Where a Spark Connect server is and how to talk to it, from Spark's connection string
/// `sc://hostname[:port]/;param=value;...`.
///
/// The rules follow Spark's specification, `connector/connect/docs/client-connection-string.md`
/// in apache/spark, with pyspark 4.3's client (`DefaultChannelBuilder`) as the reference where
/// the specification is silent:
/// - the scheme is `sc://`, the path must be empty, parameters follow `/;` and their names are
///   case sensitive; values may be percent-encoded;
/// - the port defaults to 15002; the hostname must be a valid host name or IP address;
/// - `token` sends bearer authentication and enables TLS; `use_ssl` (default false) asks
///   for TLS without a token;
/// - `user_id` goes into every request's UserContext, `user_agent` into its client_type,
///   and `session_id` (a UUID) names the server-side session;
/// - any other parameter is sent as gRPC metadata (pyspark's `ChannelBuilder.metadata`):
///   this is how Databricks' `x-databricks-cluster-id` travels.
public struct SparkRemote: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var token: String?
    public var useTLS: Bool
    public var userID: String?
    public var userAgent: String?
    public var sessionID: String?
    public var headers: [String: String]
    /// Set for a `unix://` remote: the server listens on this Unix-domain socket, and `host`
    /// and `port` are unused.
    public var unixSocketPath: String?
    /// How failed calls are retried (not part of the connection string: PYFORGE_SPARK_RETRY_*).
    public var retryPolicy = SparkRetryPolicy()

    /// The specification's default port.
    public static let defaultPort = 15002

    public init(
        host: String, port: Int = SparkRemote.defaultPort, token: String? = nil, useTLS: Bool = false, userID: String? = nil,
        userAgent: String? = nil, sessionID: String? = nil, headers: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.useTLS = useTLS
        self.userID = userID
        self.userAgent = userAgent
        self.sessionID = sessionID
        self.headers = headers
    }

    /// Parameters pyspark's client reads as gRPC channel options rather than sending them
    /// as metadata (`grpc_max_message_size` is the Scala client's). pyforge uses gRPC's
    /// defaults for these, so they are accepted and have no effect.
    static let channelOptions: Set<String> = [
        "grpc_keepalive_enabled", "grpc_keepalive_time_ms", "grpc_keepalive_timeout_ms", "grpc_keepalive_without_calls",
        "grpc_max_message_size",
    ]

    public init(parsing text: String) throws(SparkConnectError) {
        if text.hasPrefix("unix:") {
            try self.init(parsingUnixSocket: text)
            return
        }
        func invalid(_ problem: String) -> SparkConnectError {
            .invalidRemote("'\(SparkRemote.redacted(text))' is not a Spark Connect address: \(problem). It looks like sc://host:15002 or sc://host:443/;token=TOKEN;use_ssl=true.")
        }
        guard text.hasPrefix("sc://") else { throw invalid("it does not start with sc:// (or unix:// for a Unix-domain socket)") }
        let rest = text.dropFirst(5)
        let parts = rest.split(separator: ";", omittingEmptySubsequences: false)
        var authority = parts[0]
        if authority.hasSuffix("/") {
            authority = authority.dropLast()
        } else if parts.count > 1 {
            throw invalid("parameters follow '/;', as in sc://host:15002/;token=TOKEN")
        }
        guard !authority.contains("/") else { throw invalid("it has a path, which must be empty; parameters follow '/;'") }
        guard !authority.contains("@") else { throw invalid("it has user information before the host; use the user_id parameter") }
        var host = Substring(authority)
        var port = SparkRemote.defaultPort
        func parsePort(_ digits: Substring) throws(SparkConnectError) -> Int {
            // An empty port ("sc://host:") is a valid URI and means the default.
            if digits.isEmpty { return SparkRemote.defaultPort }
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits), (1...65535).contains(value) else {
                throw invalid("the port is not a number from 1 to 65535")
            }
            return value
        }
        if host.hasPrefix("[") {  // [IPv6]:port
            guard let close = host.firstIndex(of: "]") else { throw invalid("an IPv6 address is not closed with ]") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw invalid("'\(host.prefix(60))' is not an IPv6 address")
            }
            if after.hasPrefix(":") {
                port = try parsePort(after.dropFirst())
            } else if !after.isEmpty {
                throw invalid("only ':port' may follow an IPv6 address")
            }
        } else {
            if let colon = host.lastIndex(of: ":") {
                port = try parsePort(host[host.index(after: colon)...])
                host = host[..<colon]
            }
            guard !host.isEmpty else { throw invalid("it names no host") }
            // The specification: "hostnames have to be valid and cannot contain arbitrary characters".
            guard SparkRemote.isHostName(host) else { throw invalid("'\(host.prefix(60))' is not a valid host name or IP address") }
        }
        self.init(host: String(host), port: port)
        try applyParameters(parts.dropFirst(), invalid: invalid)
        // The specification: setting `token` "enables SSL". pyspark makes one exception, which
        // we share: on a loopback address the token never leaves the machine, and pyspark uses
        // gRPC's local (plaintext) credentials there; that is also how a local test server
        // started with a token is reached.
        useTLS = useTLS || (token != nil && !SparkRemote.isLoopback(host: self.host))
    }

    /// RFC 2396 host names (labels of letters, digits and inner hyphens) and IPv4 addresses.
    static func isHostName(_ host: Substring) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let significant = labels.last == "" && labels.count > 1 ? labels.dropLast() : labels[...]
        return significant.allSatisfy { label in
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && label.first != "-" && label.last != "-"
        }
    }

    /// Whether a connection to `host` stays on this machine.
    public static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.") && host.split(separator: ".").count == 4
    }

    /// The textual UUID form, 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// gRPC metadata names: lowercase letters, digits, `-`, `_` and `.`; `grpc-` is reserved
    /// and `-bin` marks binary values, which a connection string cannot carry.
    static func isMetadataKey(_ key: String) -> Bool {
        key.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
            && !key.hasPrefix("grpc-") && !key.hasSuffix("-bin")
    }

    /// The address without its token, safe to print.
    public var description: String {
        if let unixSocketPath { return "unix://\(unixSocketPath)\(token != nil ? " with a token" : "")" }
        var text = "sc://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        if useTLS { text += " (TLS)" }
        if token != nil { text += " with a token" }
        return text
    }

    /// Replaces every parameter's value, so an address can appear in messages: any of them
    /// may be a secret (a token under a misspelt name, a header carrying credentials).
    static func redacted(_ text: String) -> String {
        var parts = text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        for i in parts.indices.dropFirst() {
            if let equals = parts[i].firstIndex(of: "=") {
                parts[i] = parts[i][..<equals] + "=[REDACTED]"
            } else if !parts[i].isEmpty {
                parts[i] = "[REDACTED]"
            }
        }
        return parts.joined(separator: ";")
    }
}
