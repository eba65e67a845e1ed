import Platform
import Synchronization
import FormatKit

/// Batch workers kept for the next file: starting a process per file costs more than
/// converting a small file, so each batch thread keeps its worker until it dies (that
/// file fails, the next file gets a new one) or the batch ends. A worker is only reused
/// by the thread that started it: PR_SET_PDEATHSIG fires when that thread exits.
/// Requests are an input path and a NUL byte (paths hold no NUL); answers are one line.
public final class WorkerPool: @unchecked Sendable {
    private let arguments: [String]
    private let environment: [String: String]
    private let workers = Mutex<[UInt: Worker]>([:])

    final class Worker: @unchecked Sendable {
        let started: WorkerProcess.Started
        let token: Int?
        var pending: [UInt8] = []

        init(_ started: WorkerProcess.Started) {
            self.started = started
            token = TemporaryFileRegistry.registerWorker(started.pid)
        }

        /// The answer line, or nil when the worker's stdout closed first (it died).
        func exchange(_ request: [UInt8]) -> [UInt8]? {
            WorkerProcess.writeAll(started.stdin, request)
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<end])
                    pending.removeFirst(end + 1)
                    return line
                }
                let n = buffer.withUnsafeMutableBytes { read(started.stdout, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return nil }
                pending.append(contentsOf: buffer[0..<n])
            }
        }

        /// Closes its stdin (it exits at EOF) and reaps it.
        func finish() -> WorkerProcess.Exit {
            closeDescriptor(started.stdin)
            closeDescriptor(started.stdout)
            let exit = WorkerProcess.reap(started.pid, output: [])
            started.stderr.finish()
            TemporaryFileRegistry.releaseWorker(token)
            return exit
        }
    }

    public init(arguments: [String], environment: [String: String]) {
        self.arguments = arguments
        self.environment = environment
    }

    /// Converts `input` in this thread's worker (started when missing): its answer line,
    /// or how the worker ended; nil when no worker could start.
    public func run(input: String) -> WorkerProcess.Exit? {
        let thread = UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))
        let worker: Worker
        if let existing = workers.withLock({ $0[thread] }) {
            worker = existing
        } else {
            guard let started = WorkerProcess.spawn(arguments: arguments, environment: environment) else { return nil }
            worker = Worker(started)
            workers.withLock { $0[thread] = worker }
        }
        if let line = worker.exchange(Array(input.utf8) + [0]) {
            return WorkerProcess.Exit(status: 0, signal: nil, output: line)
        }
        workers.withLock { $0[thread] = nil }
        return worker.finish()
    }

    /// Ends every worker (each exits when its stdin closes).
    public func close() {
        let all = workers.withLock { workers in
            defer { workers = [:] }
            return Array(workers.values)
        }
        for worker in all { _ = worker.finish() }
    }
}

/// close(2), out of reach of `WorkerPool.close` inside the class.
private func closeDescriptor(_ fd: Int32) {
    close(fd)
}
