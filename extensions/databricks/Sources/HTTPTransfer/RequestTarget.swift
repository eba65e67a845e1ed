import NIOCore

/// Where a request goes, taken apart from its absolute URL: `http(s)://host[:port][/path][?query]`.
struct RequestTarget: Sendable, Equatable {
    var usesTLS: Bool
    /// The host name or address, without the brackets of an IPv6 literal.
    var host: String
    var port: Int
    /// The path and query sent in the request line; `/` when the URL has neither.
    var pathAndQuery: String
    /// The `Host` header: the host as written in the URL, with the port unless it is the scheme's default.
    var hostHeader: String

    /// Whether ``host`` is an IP literal, which TLS may not send as the server name (SNI).
    var hostIsAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }

    init(parsing url: String) throws(HTTPTransferError) {
        guard let schemeEnd = url.firstRange(of: "://") else { throw .invalidURL(url) }
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "http": usesTLS = false
        case "https": usesTLS = true
        default: throw .invalidURL(url)
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if let fragment = target.firstIndex(of: "#") { target = String(target[..<fragment]) }
        if target.isEmpty || target.first == "?" { target = "/" + target }
        pathAndQuery = target

        // Credentials in the URL are not supported: the token goes in a header, never a URL.
        guard !authority.isEmpty, !authority.contains("@") else { throw .invalidURL(url) }
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(url) }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw .invalidURL(url) }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        let defaultPort = usesTLS ? 443 : 80
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else { throw .invalidURL(url) }
            self.port = port
        } else {
            port = defaultPort
        }
        guard !host.isEmpty else { throw .invalidURL(url) }
        let written = authority.first == "[" ? "[\(host)]" : host
        hostHeader = port == defaultPort ? written : "\(written):\(port)"
    }
}
