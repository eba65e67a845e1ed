import ExtensionHost
import Platform
import ExtensionProtocol
import Logging
import Pipeline
import Synchronization
import FormatKit

/// `pyforge serve --stdio`: a long-lived JSON-RPC server over the extension protocol's
/// framing, for clients such as the Python API. Requests run concurrently; conversions
/// send `$/progress`. The extension search path is watched: a changed manifest or
/// executable is used by the next request, while requests in flight finish with the
/// version they started (every conversion starts its own extension processes).
public final class PyForgeServer: Sendable {
    private let environment: [String: String]
    private let logger: Logger
    private let writeLock = Mutex<Int32>(-1)
    private let inFlight = Mutex<Int>(0)
    private let watcher = Mutex<DirectoryWatcher?>(nil)

    public init(environment: [String: String], logger: Logger) {
        self.environment = environment
        self.logger = logger
    }

    /// Serves until stdin closes or a `shutdown` request; returns the exit code.
    public func run() -> Int32 {
        // stdout is for protocol messages only: anything else printed goes to stderr.
        let protocolFD = dup(1)
        dup2(2, 1)
        writeLock.withLock { $0 = protocolFD }
        let searchPath = ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable)
        let log = logger
        let watching = DirectoryWatcher(directories: searchPath) { reason in log.info("Reloading extensions: \(reason).") }
        watcher.withLock { $0 = watching }

        var framer = LineFramer()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var workers: [BackgroundThread] = []
        reading: while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            for event in framer.feed(buffer[0..<n]) {
                switch event {
                case .tooLarge(let bytes):
                    send(.errorResponse(id: nil, error: ResponseError(code: ResponseError.parseError, message: "a \(bytes)-byte message is over the 16 MiB limit")))
                case .line(let bytes):
                    guard !bytes.isEmpty else { continue }
                    guard let message = try? Message.decode(line: bytes) else {
                        send(.errorResponse(id: nil, error: ResponseError(code: ResponseError.parseError, message: "not a JSON-RPC 2.0 message")))
                        continue
                    }
                    guard case .request(let id, let method, let params) = message else { continue }
                    if method == Method.shutdown {
                        workers.forEach { $0.join() }
                        send(.response(id: id, result: .null))
                        break reading
                    }
                    let worker = BackgroundThread { [self] in self.answer(id, method, params) }
                    worker.start()
                    workers.append(worker)
                }
            }
        }
        workers.forEach { $0.join() }
        return 0
    }

    private func send(_ message: Message) {
        guard let line = try? message.encodedLine() else { return }
        writeLock.withLock { fd in
            var offset = 0
            while offset < line.count {
                let n = line.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    private func answer(_ id: RequestID, _ method: String, _ params: JSONValue?) {
        do {
            let result = try handle(id, method, params ?? .null)
            send(.response(id: id, result: result))
        } catch let error as ConversionError {
            send(.errorResponse(id: id, error: ResponseError(
                code: ResponseError.conversionFailed, message: error.description,
                data: .object(["reason": .string("conversionFailed"), "exit_code": .number(Double(error.exitCode))]))))
        } catch is DecodingError {
            send(.errorResponse(id: id, error: ResponseError(code: ResponseError.invalidParams, message: "invalid params for \(method)")))
        } catch let error as ResponseError {
            send(.errorResponse(id: id, error: error))
        } catch {
            send(.errorResponse(id: id, error: ResponseError(code: ResponseError.internalError, message: "\(error)")))
        }
    }

    private func handle(_ id: RequestID, _ method: String, _ params: JSONValue) throws -> JSONValue {
        switch method {
        case Method.ping:
            return .object([:])
        case "convert":
            let request = try params.decode(ServeConvertParams.self)
            let converted = try request.request()
            let progress = ProgressCounter(totalBytes: fileSize(converted.inputPath))
            let token = params["progress_token"].flatMap { if case .string(let t) = $0 { return t } else { return nil } } ?? id.description
            // Every quarter second, and the final counts before the response.
            let reporter = PeriodicReport { [unowned self] in
                let params = ProgressParams(
                    token: token, done: Double(progress.bytesRead), total: Double(progress.totalBytes),
                    message: "\(progress.rows) rows")
                send(.notification(method: Method.progress, params: try? JSONValue(encoding: params)))
            }
            defer { reporter.stop() }
            // In a worker process: a crash or an out-of-memory kill fails this request only.
            let results = try ServeWorker.convert(params, environment: request.environment(environment), progress: progress)
            return try JSONValue(encoding: results.count == 1 ? ServeConvertResult.one(results[0]) : ServeConvertResult.many(results))
        case "info":
            let target = try ServeInspectParams.decode(params, method: method)
            return try JSONValue(encoding: FileInspector.info(path: target.path, options: target.checkedOptions()))
        case "validate":
            let target = try ServeInspectParams.decode(params, method: method)
            return try JSONValue(encoding: FileInspector.validate(path: target.path, options: target.checkedOptions()))
        case "formats":
            return .array(FormatRegistry.formats.map { format in
                .object([
                    "input": .string(format.title), "extensions": .array(format.extensions.map { .string($0) }),
                    "outputs": .array(format.outputs.map { .string($0.rawValue) }),
                ])
            })
        case "environment":
            let report = HostEnvironment.gather(environment: environment)
            return .object([
                "host": .string("pyforge \(PyForgeVersion.current)"),
                "databricks": .bool(environment["DATABRICKS_RUNTIME_VERSION"] != nil),
                "runtime_version": environment["DATABRICKS_RUNTIME_VERSION"].map { .string($0) } ?? .null,
                "extensions_generation": .number(Double(watcher.withLock { $0?.generation } ?? 0)),
                "extensions": .object(report.extensions),
            ])
        case "extensions/list", "extensions/reload":
            return try JSONValue(encoding: ExtensionDiscovery.discover(
                searchPath: ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable)))
        case "extensions/status":
            let report = ExtensionDiscovery.discover(
                searchPath: ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable))
            return try JSONValue(encoding: ExtensionStatus.check(report, environment: environment))
        default:
            throw ResponseError(code: ResponseError.methodNotFound, message: "pyforge serve has no method '\(method)'")
        }
    }
}

/// The `convert` result: the same object `pyforge convert --json` prints.
enum ServeConvertResult: Encodable {
    case one(ConversionResult)
    case many([ConversionResult])

    func encode(to encoder: Encoder) throws {
        switch self {
        case .one(let result): try result.encode(to: encoder)
        case .many(let results):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(true, forKey: .success)
            try container.encode(results, forKey: .outputs)
        }
    }

    enum Keys: String, CodingKey { case success, outputs }
}
