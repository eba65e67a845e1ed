#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import ExtensionProtocol
import Synchronization

/// What an extension implements; the kit runs the protocol around it.
public protocol ExtensionHandler: Sendable {
    var info: PeerInfo { get }
    var capabilities: JSONValue? { get }
    /// The versions this extension implements; they MUST equal its manifest's
    /// `protocolVersions` (SPEC §13). The kit implements 1.0, 1.1 and 1.2.
    var protocolVersions: [ProtocolVersion] { get }
    func probe(_ params: ProbeParams, context: RequestContext) async throws -> ProbeResult
    func convert(_ params: ConvertParams, context: RequestContext) async throws -> ConvertResult
    /// Requests beyond the protocol's own (for example `environment`); nil means the
    /// extension has no such method and the kit answers "method not found".
    func handle(method: String, params: JSONValue?, context: RequestContext) async throws -> JSONValue?
}

extension ExtensionHandler {
    public var capabilities: JSONValue? { nil }

    /// 1.0 and 1.1, what extensions built before 1.2 negotiated (the Databricks extension's
    /// manifest lists exactly these): 1.2 is opted into by listing it, here and in the manifest.
    public var protocolVersions: [ProtocolVersion] { [.v1_0, .v1_1] }

    public func handle(method: String, params: JSONValue?, context: RequestContext) async throws -> JSONValue? { nil }
}

/// Per-request facilities: progress notifications and cancellation.
public struct RequestContext: Sendable {
    let id: RequestID
    let token: String?
    let server: ExtensionServer

    /// Sends `$/progress` for this request (when the host gave a token).
    public func progress(done: Double, total: Double? = nil, message: String? = nil) {
        guard let token else { return }
        server.send(.notification(method: Method.progress, params: try? JSONValue(encoding: ProgressParams(token: token, done: done, total: total, message: message))))
    }

    /// True once the host sent `$/cancelRequest` for this request (the request's task is
    /// cancelled too: `Task.isCancelled`, and `Task.sleep` throws).
    public var isCancelled: Bool { server.isCancelled(id) }
}

/// An error an extension throws to answer with a specific JSON-RPC error.
public struct ExtensionError: Error, Sendable {
    public var code: Int
    public var message: String
    public var reason: String
    /// More members of the error's `data`, beside `reason` (e.g. `supported`).
    public var data: [String: JSONValue]

    public init(code: Int = ResponseError.conversionFailed, message: String, reason: String, data: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.reason = reason
        self.data = data
    }
}

/// Runs the extension side of the protocol on stdin/stdout: framing, handshake,
/// dispatch, progress, cancellation. stdout is kept for protocol messages only: anything
/// the extension prints goes to stderr.
public final class ExtensionServer: Sendable {
    private let input: Int32
    private let output: Int32
    private let writeLock = Mutex<Void>(())
    private let cancelled = Mutex<Set<RequestID>>([])
    /// Requests being answered, each its own task: cancelled by `$/cancelRequest`, together
    /// on `shutdown` and when stdin closes.
    private let running = Mutex<[RequestID: Task<Void, Never>]>([:])
    /// After `shutdown`, work is refused (SPEC §16.3, 7).
    private let shutDown = Mutex<Bool>(false)

    /// `input` and `output` carry the protocol (stdin and a copy of stdout in `run`; a pair of
    /// pipes in the kit's tests).
    init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// Serves until stdin closes, then exits the process.
    public static func run(_ handler: some ExtensionHandler) async -> Never {
        signal(SIGPIPE, SIG_IGN)
        // Keep the real stdout for the protocol and point fd 1 at stderr, so a stray print
        // cannot corrupt the framing.
        let protocolFD = dup(1)
        dup2(2, 1)
        let server = ExtensionServer(input: 0, output: protocolFD)
        await server.serve(handler)
        exit(0)
    }

    func send(_ message: Message) {
        guard let line = try? message.encodedLine() else { return }
        writeLock.withLock { _ in
            var offset = 0
            while offset < line.count {
                let n = line.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { exit(0) }  // the host is gone
                offset += n
            }
        }
    }

    func isCancelled(_ id: RequestID) -> Bool { cancelled.withLock { $0.contains(id) } }

    func serve(_ handler: some ExtensionHandler) async {
        var framer = LineFramer()
        let input = InputChunks(reading: self.input)
        for await chunk in input.chunks {
            defer { input.consumed() }
            for event in framer.feed(chunk) {
                switch event {
                case .tooLarge:
                    send(.errorResponse(id: nil, error: ResponseError(code: ResponseError.parseError, message: "message over the size limit")))
                case .line(let bytes):
                    guard !bytes.isEmpty else { continue }
                    guard let message = try? Message.decode(line: bytes) else {
                        send(.errorResponse(id: nil, error: ResponseError(code: ResponseError.parseError, message: "not a JSON-RPC message")))
                        continue
                    }
                    if case .request(let id, let method, let params) = message {
                        if method == Method.shutdown {
                            // The host is done: whatever still runs was abandoned.
                            shutDown.withLock { $0 = true }
                            running.withLock { Array($0.keys) }.forEach(cancelRequest)
                        }
                        if let refusal = start(id, method, { await self.answer(id, method, params, handler) }) {
                            send(.errorResponse(id: id, error: ResponseError(
                                code: ResponseError.invalidRequest, message: refusal, data: .object(["reason": .string("invalidRequest")]))))
                        }
                    } else if case .notification(Method.cancelRequest, let params?) = message,
                        let cancel = try? params.decode(CancelParams.self)
                    {
                        cancelRequest(cancel.id)
                    }
                }
            }
        }
        await finish()
    }

    /// Runs a request as its own task, so that `$/cancelRequest` can cancel it: the
    /// handler sees `Task.isCancelled`, and `Task.sleep` or `Task.checkCancellation()`
    /// throw, which the kit answers with -32800. Returns why the request is refused with
    /// -32600 instead (SPEC §16.3, 7 and 10): work after `shutdown`, or an id still running.
    private func start(_ id: RequestID, _ method: String, _ body: @escaping @Sendable () async -> Void) -> String? {
        let isWork = ![Method.initialize, Method.ping, Method.shutdown].contains(method)
        if isWork && shutDown.withLock({ $0 }) { return "the extension is shutting down; '\(method)' refused" }
        // Created under the lock, so the task's own removal (which takes it) comes after.
        return running.withLock { running in
            guard running[id] == nil else { return "request id \(id) is already running" }
            running[id] = Task {
                await body()
                self.running.withLock { _ = $0.removeValue(forKey: id) }
            }
            return nil
        }
    }

    private func cancelRequest(_ id: RequestID) {
        // SPEC §7: a cancel for an unknown or answered id is ignored.
        guard let task = running.withLock({ $0[id] }) else { return }
        cancelled.withLock { _ = $0.insert(id) }
        task.cancel()
    }

    /// stdin closed: the host gave up on whatever still runs (SPEC §2.4). Running requests
    /// are cancelled and get `exitGrace` seconds to clean up before the process exits.
    private func finish() async {
        let tasks = running.withLock { Array($0.values) }
        tasks.forEach { $0.cancel() }
        let deadline = ContinuousClock.now + Self.exitGrace
        while !running.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Below the host's 2 s wait after closing stdin (SPEC §11.3).
    static let exitGrace = Duration.milliseconds(1500)

    /// The protocol's input, read on an OS thread of its own: a read(2) that waits for the
    /// host must never hold a thread of Swift's cooperative pool, which the handlers' tasks
    /// need (docs/CONCURRENCY.md). One chunk at a time: the thread reads the next only after
    /// `consumed()`, so a host that writes faster than the extension answers fills the pipe
    /// instead of this process's memory.
    final class InputChunks: Sendable {
        let chunks: AsyncStream<[UInt8]>
        private let taken = DispatchSemaphore(value: 0)

        init(reading fd: Int32) {
            let (chunks, continuation) = AsyncStream<[UInt8]>.makeStream()
            self.chunks = chunks
            let taken = self.taken
            let started = startThread {
                var buffer = [UInt8](repeating: 0, count: 64 << 10)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    continuation.yield(Array(buffer[0..<n]))
                    taken.wait()
                }
                continuation.finish()
            }
            // Without a thread (the process is out of them) nothing can be read: end at once.
            if !started { continuation.finish() }
        }

        /// The last chunk handed out was handled: the thread may read the next.
        func consumed() { taken.signal() }
    }

    private func answer(_ id: RequestID, _ method: String, _ params: JSONValue?, _ handler: some ExtensionHandler) async {
        let context = RequestContext(id: id, token: nil, server: self)
        do {
            let result: JSONValue
            switch method {
            case Method.initialize:
                let request = try (params ?? .null).decode(InitializeParams.self)
                guard let version = ProtocolVersion.negotiate(handler.protocolVersions, request.protocolVersions) else {
                    throw ExtensionError(
                        code: ResponseError.invalidParams,
                        message: "this extension speaks protocol \(handler.protocolVersions.map(\.description).joined(separator: ", "))",
                        reason: "unsupportedProtocol", data: ["supported": .array(handler.protocolVersions.map { .string($0.description) })])
                }
                result = try JSONValue(encoding: InitializeResult(protocolVersion: version, extension: handler.info, capabilities: handler.capabilities))
            case Method.ping, Method.shutdown:
                result = method == Method.ping ? .object([:]) : .null
            case Method.probe:
                result = try JSONValue(encoding: try await handler.probe((params ?? .null).decode(ProbeParams.self), context: context))
            case Method.convert:
                let request = try (params ?? .null).decode(ConvertParams.self)
                let converted = try await handler.convert(request, context: RequestContext(id: id, token: request.progressToken, server: self))
                result = try JSONValue(encoding: converted)
            default:
                if let answer = try await handler.handle(method: method, params: params, context: context) {
                    result = answer
                    break
                }
                throw ExtensionError(code: ResponseError.methodNotFound, message: "no method '\(method)'", reason: "methodNotFound")
            }
            if isCancelled(id) { throw CancellationError() }
            send(.response(id: id, result: result))
        } catch where error is CancellationError || isCancelled(id) {
            // Whatever the handler threw after the host cancelled it is the cancellation.
            send(.errorResponse(id: id, error: ResponseError(code: ResponseError.requestCancelled, message: "cancelled")))
        } catch let error as ExtensionError {
            send(.errorResponse(id: id, error: ResponseError(code: error.code, message: error.message, data: .object(error.data.merging(["reason": .string(error.reason)]) { _, reason in reason }))))
        } catch is DecodingError {
            send(.errorResponse(id: id, error: ResponseError(
                code: ResponseError.invalidParams, message: "invalid params for \(method)", data: .object(["reason": .string("invalidParams")]))))
        } catch {
            send(.errorResponse(id: id, error: ResponseError(
                code: ResponseError.internalError, message: "\(method) failed: \(error)", data: .object(["reason": .string("internalError")]))))
        }
        cancelled.withLock { _ = $0.remove(id) }
    }
}
