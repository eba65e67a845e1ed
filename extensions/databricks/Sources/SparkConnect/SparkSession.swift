import GRPCCore
import GRPCNIOTransportHTTP2

/// One Spark Connect session over one HTTP/2 connection: `SparkSession.run(remote) { … }`
/// connects, runs the body and closes the connection, releasing the server-side session
/// whether the body succeeded or not.
public struct SparkSession: Sendable {
    public let remote: SparkRemote
    public let sessionID: String
    let client: GRPCClient<HTTP2ClientTransport.Posix>
    let metadata: Metadata
    let requests: SparkRequests

    static let service = "spark.connect.SparkConnectService"
    private static let clientType = "pyforge"

    /// Connects to `remote`, runs `body` with a session, then disconnects.
    public static func run<Result: Sendable>(
        _ remote: SparkRemote, _ body: @Sendable (SparkSession) async throws -> Result
    ) async throws(SparkConnectError) -> Result {
        do {
            // The transport's own reconnection backoff stays short: the retry policy decides
            // how long to keep trying, and a long transport backoff would make its retries
            // fail at once without a new connection attempt.
            let config = HTTP2ClientTransport.Posix.Config.defaults {
                $0.backoff.initial = .milliseconds(100)
                $0.backoff.max = .seconds(1)
            }
            let transport: HTTP2ClientTransport.Posix
            if let path = remote.unixSocketPath {
                transport = try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: path), transportSecurity: .plaintext, config: config)
            } else {
                transport = try HTTP2ClientTransport.Posix(
                    target: .dns(host: remote.host, port: remote.port), transportSecurity: remote.useTLS ? .tls : .plaintext, config: config)
            }
            return try await withGRPCClient(transport: transport) { client in
                let session = SparkSession(remote: remote, client: client)
                let result: Result
                do {
                    result = try await body(session)
                } catch {
                    await session.release(retrying: !((error as? SparkConnectError)?.isUnreachable ?? false))
                    throw error
                }
                await session.release(retrying: true)
                return result
            }
        } catch let error as SparkConnectError {
            throw error
        } catch let error as RPCError {
            throw SparkConnectError(error, remote: remote)
        } catch {
            throw SparkConnectError.unreachable(server: remote.description, detail: "\(error)")
        }
    }

    private init(remote: SparkRemote, client: GRPCClient<HTTP2ClientTransport.Posix>) {
        self.remote = remote
        self.client = client
        self.sessionID = remote.sessionID ?? SparkSession.newSessionID()
        // client_type carries the connection string's user_agent, as pyspark sends it.
        self.requests = SparkRequests(
            sessionID: sessionID, userID: remote.userID ?? SparkSession.defaultUser, clientType: remote.userAgent ?? Self.clientType)
        var metadata = Metadata()
        if let token = remote.token { metadata.addString("Bearer \(token)", forKey: "authorization") }
        for (key, value) in remote.headers.sorted(by: { $0.key < $1.key }) { metadata.addString(value, forKey: key) }
        metadata.addString("pyforge-databricks", forKey: "user-agent")
        self.metadata = metadata
    }

    /// The server's Spark version; also the cheapest way to check address and credentials.
    public func version() async throws(SparkConnectError) -> String {
        let response = try await unary("AnalyzePlan", requests.analyzeSparkVersion(), timeout: .seconds(60))
        do {
            return try sparkVersion(from: response) ?? "unknown"
        } catch {
            throw .protocolError(error)
        }
    }

    /// The columns a relation would produce (`AnalyzePlan` with `schema`).
    public func columns(of relation: SparkRelation) async throws(SparkConnectError) -> [SparkColumn] {
        let response = try await unary("AnalyzePlan", requests.analyzeSchema(of: relation), timeout: .seconds(300))
        do { return try SparkSchema.columns(fromAnalyzeResponse: response) } catch { throw .protocolError(error) }
    }

    /// The single number a query such as `SELECT COUNT(*) FROM t` returns.
    public func scalar(_ query: String) async throws(SparkConnectError) -> Int64 {
        let execution = try await execute(.query(.sql(query)))
        do {
            for batch in execution.arrowBatches {
                if let value = try ArrowScalar.firstInt64(in: batch) { return value }
            }
        } catch {
            throw .protocolError(error)
        }
        throw .protocolError(ProtobufError(problem: "the query '\(query)' returned no value"))
    }

    /// Ends the server-side session (`ReleaseSession`); a failure is ignored, since the server
    /// expires abandoned sessions on its own.
    func release(retrying: Bool) async {
        _ = try? await unary("ReleaseSession", requests.releaseSession(), timeout: .seconds(3), policy: releasePolicy(retrying: retrying))
    }

    /// The Release calls are a courtesy: at most 2 s of retries, and none after the server
    /// was found unreachable (one try then, in case it is back).
    func releasePolicy(retrying: Bool) -> SparkRetryPolicy {
        guard retrying else { return .never }
        var policy = remote.retryPolicy
        policy.maximumTotalWait = min(policy.maximumTotalWait, .seconds(2))
        return policy
    }

    /// A unary call, retried under `policy` (the remote's by default). Only idempotent calls
    /// come here: AnalyzePlan reads, the Release calls may be repeated.
    func unary(_ method: String, _ bytes: [UInt8], timeout: Duration, policy: SparkRetryPolicy? = nil) async throws(SparkConnectError) -> [UInt8] {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        return try await retrying(policy ?? remote.retryPolicy) {
            try await client.unary(
                request: ClientRequest(message: bytes, metadata: metadata),
                descriptor: MethodDescriptor(fullyQualifiedService: Self.service, method: method),
                serializer: RawMessageSerializer(), deserializer: RawMessageDeserializer(), options: options
            ) { try $0.message }
        }
    }

    private static var defaultUser: String {
        ProcessEnvironment.value("USER") ?? "pyforge"
    }

    /// A random (version 4) UUID: the server requires session and operation ids to be one.
    public static func newSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let digits = Array("0123456789abcdef")
        var text = ""
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append("-") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
