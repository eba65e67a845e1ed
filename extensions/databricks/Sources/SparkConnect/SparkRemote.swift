/// Where a Spark Connect server is and how to talk to it: Spark's connection string
/// `sc://host[:port][/;param=value;...]`. Recognised parameters are `token`, `use_ssl`,
/// `user_id` and `session_id`; any other parameter is sent as gRPC metadata (this is how
/// Databricks' `x-databricks-cluster-id` travels).
public struct SparkRemote: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var token: String?
    public var useTLS: Bool
    public var userID: String?
    public var sessionID: String?
    public var headers: [String: String]

    public static let defaultPort = 15002

    public init(host: String, port: Int = SparkRemote.defaultPort, token: String? = nil, useTLS: Bool = false, userID: String? = nil, sessionID: String? = nil, headers: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.token = token
        self.useTLS = useTLS
        self.userID = userID
        self.sessionID = sessionID
        self.headers = headers
    }

    public init(parsing text: String) throws(SparkConnectError) {
        func invalid(_ problem: String) -> SparkConnectError {
            .invalidRemote("'\(SparkRemote.redacted(text))' is not a Spark Connect address: \(problem). It looks like sc://host:15002 or sc://host:443/;token=TOKEN;use_ssl=true.")
        }
        guard text.hasPrefix("sc://") else { throw invalid("it does not start with sc://") }
        let rest = text.dropFirst(5)
        let parts = rest.split(separator: ";", omittingEmptySubsequences: false)
        var authority = parts[0]
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.contains("/") else { throw invalid("it has a path; parameters follow '/;'") }
        var host = Substring(authority)
        var port = SparkRemote.defaultPort
        if host.hasPrefix("[") {  // [IPv6]:port
            guard let close = host.firstIndex(of: "]") else { throw invalid("an IPv6 address is not closed with ]") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65535).contains(value) else { throw invalid("the port is not a number from 1 to 65535") }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65535).contains(value) else { throw invalid("the port is not a number from 1 to 65535") }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw invalid("it names no host") }
        self.init(host: String(host), port: port)
        var explicitTLS: Bool?
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            guard let equals = parameter.firstIndex(of: "=") else { throw invalid("the parameter '\(parameter.prefix(40))' has no '='") }
            let key = String(parameter[..<equals])
            let value = String(parameter[parameter.index(after: equals)...]).removingPercentEncoding()
            switch key {
            case "token": token = value
            case "use_ssl":
                guard let flag = Bool(value.lowercased()) else { throw invalid("use_ssl must be true or false") }
                explicitTLS = flag
            case "user_id": userID = value
            case "session_id": sessionID = value
            case "user_agent", "grpc_max_message_size": break
            default: headers[key.lowercased()] = value
            }
        }
        // Port 443 means a TLS front end (Databricks); elsewhere plaintext unless asked.
        useTLS = explicitTLS ?? (port == 443)
    }

    /// The address without its token, safe to print.
    public var description: String {
        var text = "sc://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        if useTLS { text += " (TLS)" }
        if token != nil { text += " with a token" }
        return text
    }

    /// Replaces the value of a `token=` parameter, so an address can appear in messages.
    static func redacted(_ text: String) -> String {
        var parts = text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        for i in parts.indices where parts[i].hasPrefix("token=") { parts[i] = "token=[REDACTED]" }
        return parts.joined(separator: ";")
    }
}

extension String {
    /// Decodes %XX escapes (connection-string values may carry them); invalid escapes stay.
    fileprivate func removingPercentEncoding() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
