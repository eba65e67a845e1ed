#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import ExtensionProtocol
import PyForgeCore
import Synchronization

/// A JSON-RPC connection to one extension process: requests with idle and absolute
/// timeouts, responses matched by id, `$/progress` resetting the idle clock, stderr kept
/// as a tail for error reports. Any protocol violation fails every pending request.
public final class ExtensionConnection: @unchecked Sendable {
    public let process: ExtensionProcess
    private let state = Mutex<State>(State())
    private let wakeups = DispatchSemaphore(value: 0)
    private let readers: [BackgroundThread]
    private let onProgress: @Sendable (ProgressParams) -> Void
    private let onLog: @Sendable (String) -> Void

    private struct State {
        var nextID = 1
        var responses: [RequestID: Result<JSONValue, ExtensionFailure>] = [:]
        var waiting: Set<RequestID> = []
        var broken: ExtensionFailure?
        var stdoutClosed = false
        var lastActivity = monotonicNow()
        var stderrTail: [String] = []
    }

    public init(
        process: ExtensionProcess, lineLimit: Int = LineFramer.defaultLimit,
        onProgress: @escaping @Sendable (ProgressParams) -> Void = { _ in },
        onLog: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.process = process
        self.onProgress = onProgress
        self.onLog = onLog
        let stdoutFD = process.stdoutFD, stderrFD = process.stderrFD
        var readers: [BackgroundThread] = []
        let box = WeakBox()
        readers.append(BackgroundThread {
            var framer = LineFramer(limit: lineLimit)
            readLoop(stdoutFD) { chunk in
                for event in framer.feed(chunk) { box.connection?.handle(event) }
            }
            box.connection?.stdoutEnded()
        })
        readers.append(BackgroundThread {
            var framer = LineFramer(limit: 64 << 10)
            readLoop(stderrFD) { chunk in
                for case .line(let bytes) in framer.feed(chunk) { box.connection?.log(String(decoding: bytes, as: UTF8.self)) }
            }
        })
        self.readers = readers
        box.connection = self
        readers.forEach { $0.start() }
    }

    /// Lets the reader threads reach the connection without keeping it alive.
    private final class WeakBox: @unchecked Sendable {
        weak var connection: ExtensionConnection?
    }

    public var stderrTail: [String] { state.withLock { $0.stderrTail } }

    /// The first protocol violation seen on stdout, if any.
    public var protocolViolation: ExtensionFailure? { state.withLock { $0.broken } }

    /// Sends a request and cancels it at once (`$/cancelRequest`); the extension must
    /// still answer it, with a result or error -32800.
    public func requestCancellingImmediately(_ method: String, _ params: JSONValue?, idle: Double) -> Result<JSONValue, ExtensionFailure> {
        let id = state.withLock { $0.nextID }
        let cancel = try? JSONValue(encoding: CancelParams(id: .number(id)))
        let sender = BackgroundThread { [weak self] in
            usleep(1_000)
            self?.notify(Method.cancelRequest, cancel)
        }
        sender.start()
        defer { sender.join() }
        return request(method, params, phase: "a cancelled \(method)", idle: idle, absolute: idle)
    }

    private func log(_ line: String) {
        state.withLock { state in
            state.stderrTail.append(line)
            if state.stderrTail.count > 40 { state.stderrTail.removeFirst() }
        }
        onLog(line)
    }

    private func handle(_ event: LineFramer.Event) {
        switch event {
        case .tooLarge(let bytes):
            fail(.messageTooLarge(bytes: bytes))
        case .line(let bytes):
            if bytes.isEmpty { return }
            let message: Message
            do {
                message = try Message.decode(line: bytes)
            } catch {
                let shown = String(decoding: bytes.prefix(80), as: UTF8.self)
                fail(.malformedMessage("'\(shown)'"))
                return
            }
            switch message {
            case .response(let id, let result):
                deliver(id, .success(result))
            case .errorResponse(let id?, let error):
                deliver(id, .failure(.errorResponse(error)))
            case .errorResponse(nil, let error):
                fail(.errorResponse(error))
            case .notification(let method, let params):
                state.withLock { $0.lastActivity = monotonicNow() }
                if method == Method.progress, let params, let progress = try? params.decode(ProgressParams.self) {
                    onProgress(progress)
                }
            case .request(let id, let method, _):
                // Extensions do not call the host in protocol 1.0.
                let reply = Message.errorResponse(id: id, error: ResponseError(code: ResponseError.methodNotFound, message: "the host has no method '\(method)'"))
                if let line = try? reply.encodedLine() { _ = process.write(line) }
            }
        }
    }

    private func deliver(_ id: RequestID, _ result: Result<JSONValue, ExtensionFailure>) {
        state.withLock { state in
            state.lastActivity = monotonicNow()
            if state.waiting.contains(id) { state.responses[id] = result }
        }
        wakeups.signal()
    }

    private func fail(_ failure: ExtensionFailure) {
        state.withLock { state in
            if state.broken == nil { state.broken = failure }
        }
        wakeups.signal()
    }

    private func stdoutEnded() {
        state.withLock { $0.stdoutClosed = true }
        wakeups.signal()
    }

    /// Sends a request and waits for its response. `idle` seconds without any message
    /// (progress notifications count) or `absolute` seconds in all end the wait.
    public func request(_ method: String, _ params: JSONValue?, phase: String, idle: Double, absolute: Double) -> Result<JSONValue, ExtensionFailure> {
        let id = state.withLock { state -> RequestID in
            defer { state.nextID += 1 }
            state.waiting.insert(.number(state.nextID))
            state.lastActivity = monotonicNow()
            return .number(state.nextID)
        }
        defer { state.withLock { _ = $0.waiting.remove(id) } }
        guard let line = try? Message.request(id: id, method: method, params: params).encodedLine(), process.write(line) else {
            return .failure(crashFailure())
        }
        let started = monotonicNow()
        while true {
            _ = wakeups.wait(timeout: .now() + .milliseconds(20))
            let (response, broken, closed, last) = state.withLock { state in
                (state.responses.removeValue(forKey: id), state.broken, state.stdoutClosed, state.lastActivity)
            }
            if let response { return response }
            if let broken { return .failure(broken) }
            if closed { return .failure(crashFailure()) }
            let now = monotonicNow()
            if now - last > idle { return .failure(.timedOut(phase: phase, seconds: idle)) }
            if now - started > absolute { return .failure(.timedOut(phase: phase, seconds: absolute)) }
        }
    }

    public func notify(_ method: String, _ params: JSONValue?) {
        if let line = try? Message.notification(method: method, params: params).encodedLine() { _ = process.write(line) }
    }

    private func crashFailure() -> ExtensionFailure {
        // Give the process a moment to be reaped so the exit status is known.
        for _ in 0..<20 where process.exitStatus == nil { usleep(5_000) }
        return .crashed(exit: process.exitDescription, stderrTail: stderrTail)
    }

    /// Shuts the extension down (the ladder) and waits for the readers.
    @discardableResult
    public func close(grace: Double = 2) -> ExtensionStopped {
        let stopped = process.terminate(grace: grace)
        readers.forEach { $0.join() }
        return stopped
    }
}

/// Reads a descriptor until EOF, handing each chunk to `body`.
private func readLoop(_ fd: Int32, _ body: ([UInt8]) -> Void) {
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        body(Array(buffer[0..<n]))
    }
}
