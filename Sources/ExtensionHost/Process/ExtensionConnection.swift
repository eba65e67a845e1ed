import Platform
import Dispatch
import ExtensionProtocol
import Pipeline
import Synchronization

/// A JSON-RPC connection to one extension process: requests with idle and absolute
/// timeouts (`RequestLimits`), responses matched by id, `$/progress` that advances resetting
/// the idle clock, stderr kept as a tail for error reports. A timed-out request is
/// cancelled (`$/cancelRequest`) before the caller moves on. Any protocol violation fails
/// every pending request; an error response with `id: null` is logged and survived.
public final class ExtensionConnection: Sendable {
    public let process: ExtensionProcess
    /// The extension's name, for messages that outlive the request (an interruption).
    public let name: String
    private let state = Mutex<State>(State())
    /// Wakes the requesting thread when a reader thread delivered something. The host runs on
    /// OS threads (docs/CONCURRENCY.md), and Synchronization has no condition variable.
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
        var stderrClosed = false
        var liveness = Liveness(now: monotonicSeconds())
        var stderrTail = StderrTail()
        /// Set once a request timed out or the stream failed: the ladder then skips
        /// `shutdown` and waits less (an extension that did not answer will not now).
        var unresponsive = false
        /// Requests the host cancelled, and how each was answered (nil: not yet).
        var cancelled: [RequestID: CancelOutcome?] = [:]
        /// Error responses with `id: null` (the extension could not read a line).
        var unattributedErrors: [ResponseError] = []
    }

    /// How a cancelled request ended.
    public enum CancelOutcome: Sendable, Equatable {
        /// Error −32800: the extension stopped the work.
        case acknowledged
        /// A result or another error: it had finished, or failed, anyway.
        case answered
    }

    public init(
        process: ExtensionProcess, name: String? = nil, lineLimit: Int = LineFramer.defaultLimit,
        onProgress: @escaping @Sendable (ProgressParams) -> Void = { _ in },
        onLog: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.process = process
        self.name = name ?? process.executable
        self.onProgress = onProgress
        self.onLog = onLog
        let stdoutFD = process.stdoutFD, stderrFD = process.stderrFD
        var readers: [BackgroundThread] = []
        let box = WeakBox()
        readers.append(BackgroundThread {
            InterruptCleanup.leaveSignalsToOtherThreads()
            var framer = LineFramer(limit: lineLimit)
            readLoop(stdoutFD) { chunk in
                for event in framer.feed(chunk) { box.connection?.handle(event) }
            }
            box.connection?.stdoutEnded()
        })
        readers.append(BackgroundThread {
            InterruptCleanup.leaveSignalsToOtherThreads()
            var framer = LineFramer(limit: StderrTail.readLimit)
            func forward(_ events: [LineFramer.Event]) {
                for case .line(let bytes) in events { box.connection?.log(String(decoding: bytes, as: UTF8.self)) }
            }
            readLoop(stderrFD) { forward(framer.feed($0)) }
            // The last line of a crash often lacks its newline; it is the most telling one.
            if framer.unterminated > 0 { forward(framer.feed([0x0A])) }
            box.connection?.stderrEnded()
        })
        self.readers = readers
        box.connection = self
        readers.forEach { $0.start() }
        RunningExtensions.add(self)
    }

    /// Lets the reader threads reach the connection without keeping it alive.
    /// Set once, after `init` made the readers (which need the box before `self` exists).
    private final class WeakBox: Sendable {
        private struct Reference { weak var connection: ExtensionConnection? }
        private let reference = Mutex(Reference())
        var connection: ExtensionConnection? {
            get { reference.withLock { $0.connection } }
            set { reference.withLock { $0.connection = newValue } }
        }
    }

    public var stderrTail: [String] { state.withLock { $0.stderrTail.lines } }

    /// The first protocol violation seen on stdout, if any.
    public var protocolViolation: ExtensionFailure? { state.withLock { $0.broken } }

    /// Error responses with `id: null` received so far.
    public var unattributedErrors: [ResponseError] { state.withLock { $0.unattributedErrors } }

    /// True once a request timed out or the stream broke (see `State.unresponsive`).
    public var isUnresponsive: Bool { state.withLock { $0.unresponsive || $0.broken != nil || $0.stdoutClosed } }

    func markUnresponsive() { state.withLock { $0.unresponsive = true } }

    /// Sends a request and cancels it at once (`$/cancelRequest`); the extension must
    /// still answer it, with a result or error -32800.
    public func requestCancellingImmediately(_ method: String, _ params: JSONValue?, idle: Double) -> Result<JSONValue, ExtensionFailure> {
        let id = state.withLock { RequestID.number($0.nextID) }
        let sender = BackgroundThread { [weak self] in
            usleep(1_000)
            self?.cancel(id)
        }
        sender.start()
        defer { sender.join() }
        return request(method, params, phase: "a cancelled \(method)", limits: RequestLimits(idle: idle, absolute: idle))
    }

    /// Writes a raw line to the extension's stdin (the conformance suite's hostile lines).
    public func writeRaw(_ bytes: [UInt8]) -> Bool { process.write(bytes) }

    private func log(_ line: String) {
        state.withLock { $0.stderrTail.append(line) }
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
                // JSON-RPC's answer to a line the extension could not read. It names no
                // request, so none fails: a request it lost runs into its timeout instead.
                state.withLock { $0.unattributedErrors.append(error) }
                onLog("(host) it answered a line it could not read with error \(error.code) and id null: \(error.message); carrying on")
            case .notification(let method, let params):
                if method == Method.progress, let params, let progress = try? params.decode(ProgressParams.self) {
                    state.withLock { $0.liveness.progressed(progress, now: monotonicSeconds()) }
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
            state.liveness.answered(now: monotonicSeconds())
            if state.waiting.contains(id) { state.responses[id] = result }
            if case .some(.none) = state.cancelled[id] {
                if case .failure(.errorResponse(let error)) = result, error.code == ResponseError.requestCancelled {
                    state.cancelled[id] = .acknowledged
                } else {
                    state.cancelled[id] = .answered
                }
            }
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

    private func stderrEnded() {
        state.withLock { $0.stderrClosed = true }
    }

    /// Sends a request and waits for its response within `limits` (see `RequestLimits`).
    /// When a limit expires the request is cancelled and the extension gets
    /// `limits.cancelGrace` seconds to answer it before the caller shuts it down.
    public func request(_ method: String, _ params: JSONValue?, phase: String, limits: RequestLimits) -> Result<JSONValue, ExtensionFailure> {
        // Once Ctrl-C began an orderly stop, the caller goes no further (no next request,
        // no fallback, nothing recorded): the interruption thread stops the extensions and
        // exits the process.
        InterruptCleanup.holdIfInterrupted()
        defer { InterruptCleanup.holdIfInterrupted() }
        let id = state.withLock { state -> RequestID in
            defer { state.nextID += 1 }
            state.waiting.insert(.number(state.nextID))
            state.liveness = Liveness(now: monotonicSeconds())
            return .number(state.nextID)
        }
        defer { state.withLock { _ = $0.waiting.remove(id) } }
        guard let line = try? Message.request(id: id, method: method, params: params).encodedLine(), process.write(line) else {
            return .failure(crashFailure())
        }
        let started = monotonicSeconds()
        while true {
            _ = wakeups.wait(timeout: .now() + .milliseconds(20))
            if let ended = ended(id) { return ended }
            let now = monotonicSeconds()
            let expired = state.withLock { limits.expired(by: $0.liveness, started: started, now: now) }
            if let (seconds, note) = expired {
                markUnresponsive()
                if limits.cancelGrace > 0 {
                    cancel(id)
                    _ = awaitCancelled([id], seconds: limits.cancelGrace)
                }
                return .failure(.timedOut(phase: phase + note, seconds: seconds))
            }
        }
    }

    /// The request's response, or the failure that ended the connection; nil while it runs.
    private func ended(_ id: RequestID) -> Result<JSONValue, ExtensionFailure>? {
        let (response, broken, closed) = state.withLock { state in
            (state.responses.removeValue(forKey: id), state.broken, state.stdoutClosed)
        }
        if let response { return response }
        if let broken {
            markUnresponsive()
            return .failure(broken)
        }
        if closed {
            markUnresponsive()
            return .failure(crashFailure())
        }
        return nil
    }

    /// Sends `$/cancelRequest` for `id` and remembers to watch for its answer.
    func cancel(_ id: RequestID) {
        state.withLock { state in
            if state.cancelled[id] == nil { state.cancelled[id] = .some(nil) }
        }
        notify(Method.cancelRequest, try? JSONValue(encoding: CancelParams(id: id)))
    }

    /// Cancels every request still waiting for its response; returns their ids.
    func cancelPending() -> [RequestID] {
        let pending = state.withLock { Array($0.waiting) }
        pending.forEach(cancel)
        return pending
    }

    /// Waits up to `seconds` until each of `ids` was answered (or the extension's stdout
    /// closed); returns how each ended (nil: no answer).
    func awaitCancelled(_ ids: [RequestID], seconds: Double) -> [RequestID: CancelOutcome?] {
        let deadline = monotonicSeconds() + seconds
        while true {
            let (outcomes, closed) = state.withLock { state in
                (Dictionary(uniqueKeysWithValues: ids.map { ($0, state.cancelled[$0] ?? nil) }), state.stdoutClosed)
            }
            if closed || outcomes.values.allSatisfy({ $0 != nil }) || monotonicSeconds() >= deadline { return outcomes }
            usleep(5_000)
        }
    }

    public func notify(_ method: String, _ params: JSONValue?) {
        if let line = try? Message.notification(method: method, params: params).encodedLine() { _ = process.write(line) }
    }

    private func crashFailure() -> ExtensionFailure {
        // Give the process a moment to be reaped so the exit status is known, and read its
        // stderr to the end: the last lines before a crash say why, and its stdout may
        // close before the stderr reader caught up. Bounded, since a grandchild can keep
        // stderr open.
        let deadline = monotonicSeconds() + StderrTail.drainSeconds
        while monotonicSeconds() < deadline && (process.exitStatus == nil || !state.withLock({ $0.stderrClosed })) {
            usleep(5_000)
        }
        return .crashed(exit: process.exitDescription, stderrTail: stderrTail)
    }

    /// Shuts the extension down (the ladder) and waits for the readers.
    @discardableResult
    public func close(grace: Double = 2) -> ExtensionStopped {
        let stopped = process.terminate(grace: grace)
        readers.forEach { $0.join() }
        RunningExtensions.remove(self)
        return stopped
    }

    deinit {
        RunningExtensions.remove(self)
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
