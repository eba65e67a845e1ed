/// `unix:///path/to/grpc.sock;param=value;...`: a Spark Connect server on a Unix-domain socket.
///
/// This is how a Databricks notebook (serverless, or a standard-access cluster) reaches its
/// own Spark: the environment holds
/// `SPARK_REMOTE=unix:///databricks/sparkconnect/grpc.sock;user_id=…;session_id=…` (the form
/// public Databricks Connect clients' tests show). Spark's connection-string specification
/// covers only `sc://`, so the address follows gRPC's naming for sockets (`unix:///absolute`
/// or `unix:/absolute`), the path runs to the first `;`, and the parameters are those of
/// `sc://` (user_id, session_id, user_agent, others as metadata). The socket is local, so there
/// is no TLS; a token, if given, is sent as bearer authentication.
extension SparkRemote {
    /// Linux's `sockaddr_un.sun_path` holds 108 bytes including the terminating NUL.
    static let maximumSocketPathBytes = 107

    init(parsingUnixSocket text: String) throws(SparkConnectError) {
        func invalid(_ problem: String) -> SparkConnectError {
            .invalidRemote("'\(SparkRemote.redacted(text))' is not a Spark Connect socket address: \(problem). It looks like unix:///databricks/sparkconnect/grpc.sock;user_id=USER;session_id=UUID.")
        }
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        var address = parts[0].dropFirst("unix:".count)
        if address.hasPrefix("//") {
            address = address.dropFirst(2)
            guard address.hasPrefix("/") else {
                throw invalid(address.isEmpty ? "it names no socket path" : "the socket path must be absolute (three slashes: unix:///path), not a host name")
            }
        }
        guard address.hasPrefix("/") else { throw invalid("the socket path must be absolute, as in unix:///path/to/grpc.sock") }
        guard address.count > 1, address.last != "/" else { throw invalid("the socket path names a directory, not a socket file") }
        guard !address.utf8.contains(0) else { throw invalid("the socket path contains a NUL byte") }
        guard address.utf8.count <= SparkRemote.maximumSocketPathBytes else {
            throw invalid("the socket path has \(address.utf8.count) bytes, more than the \(SparkRemote.maximumSocketPathBytes) a Unix-domain socket address holds")
        }
        self.init(host: "localhost", port: 0)
        unixSocketPath = String(address)
        try applyParameters(parts.dropFirst(), invalid: invalid)
        guard !useTLS else { throw invalid("use_ssl=true asks for TLS, which a local Unix-domain socket does not use; remove it") }
    }
}
