import GRPCCore
import GRPCNIOTransportHTTP2

/// One Spark Connect session over one HTTP/2 connection: `SparkSession.run(remote) { … }`
/// connects, runs the body and closes the connection (releasing the server-side session).
public struct SparkSession: Sendable {
    public let remote: SparkRemote
    public let sessionID: String
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let metadata: Metadata
    private let requests: SparkRequests

    private static let service = "spark.connect.SparkConnectService"
    private static let clientType = "pyforge"

    /// Connects to `remote`, runs `body` with a session, then disconnects.
    public static func run<Result: Sendable>(
        _ remote: SparkRemote, _ body: @Sendable (SparkSession) async throws -> Result
    ) async throws(SparkConnectError) -> Result {
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: remote.host, port: remote.port),
                transportSecurity: remote.useTLS ? .tls : .plaintext,
                config: .defaults { $0.backoff.initial = .milliseconds(100) })
            return try await withGRPCClient(transport: transport) { client in
                let session = SparkSession(remote: remote, client: client)
                let result = try await body(session)
                await session.release()
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

    /// Runs a plan and collects its results (Arrow batches for queries).
    public func execute(_ plan: SparkPlan) async throws(SparkConnectError) -> SparkExecution {
        var options = CallOptions.defaults
        options.waitForReady = false
        do {
            return try await client.serverStreaming(
                request: ClientRequest(message: requests.executePlan(plan), metadata: metadata),
                descriptor: MethodDescriptor(fullyQualifiedService: Self.service, method: "ExecutePlan"),
                serializer: RawMessageSerializer(), deserializer: RawMessageDeserializer(), options: options
            ) { response in
                var execution = SparkExecution()
                for try await message in response.messages { try execution.absorb(message) }
                return execution
            }
        } catch let error as RPCError {
            throw SparkConnectError(error, remote: remote)
        } catch let error as ProtobufError {
            throw .protocolError(error)
        } catch {
            throw .rpc(code: "unknown", message: "\(error)")
        }
    }

    private func release() async {
        _ = try? await unary("ReleaseSession", requests.releaseSession(), timeout: .seconds(5))
    }

    private func unary(_ method: String, _ bytes: [UInt8], timeout: Duration) async throws(SparkConnectError) -> [UInt8] {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        do {
            return try await client.unary(
                request: ClientRequest(message: bytes, metadata: metadata),
                descriptor: MethodDescriptor(fullyQualifiedService: Self.service, method: method),
                serializer: RawMessageSerializer(), deserializer: RawMessageDeserializer(), options: options
            ) { try $0.message }
        } catch let error as RPCError {
            throw SparkConnectError(error, remote: remote)
        } catch {
            throw .rpc(code: "unknown", message: "\(error)")
        }
    }

    private static var defaultUser: String {
        ProcessEnvironment.value("USER") ?? "pyforge"
    }

    /// A random (version 4) UUID: the server requires the session id to be one.
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

extension SparkConnectError {
    init(_ error: RPCError, remote: SparkRemote) {
        switch error.code {
        case .unavailable, .deadlineExceeded:
            self = .unreachable(server: remote.description, detail: error.message)
        case .unauthenticated:
            self = .unauthenticated(server: remote.description, detail: error.message)
        case .permissionDenied where error.message.lowercased().contains("token"):
            self = .unauthenticated(server: remote.description, detail: error.message)
        default:
            self = .failed(errorClass: SparkConnectError.errorClass(of: error.message), message: error.message)
        }
    }
}
