#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import Platform
import FormatKit

/// What a worker process sends its parent on stdout: the results, or why it failed.
public struct WorkerOutcome: Codable, Sendable {
    public var results: [ConversionResult]
    public var error: ConversionError?

    public init(results: [ConversionResult] = [], error: ConversionError? = nil) {
        self.results = results
        self.error = error
    }
}

/// One conversion in a worker process (WorkerProcess): a crash or an out-of-memory kill
/// becomes this input's failure, and the temporary files the dead worker left are removed.
public enum IsolatedConversion {
    /// Runs `pyforge arguments…` (which answers with a WorkerOutcome) for `input`, writing
    /// `output` (a file or directory; nil when the worker picks it beside the input).
    /// `progress` follows the worker's `progress BYTES ROWS` lines.
    public static func run(
        arguments: [String], stdin: [UInt8] = [], input: String, output: String?, environment: [String: String],
        progress: ProgressCounter? = nil
    ) throws(ConversionError) -> [ConversionResult] {
        let oomKillsBefore = WorkerDeath.outOfMemoryKills()
        let lines = LineSplitter()
        let exit = WorkerProcess.run(arguments: arguments, input: stdin, environment: environment) { chunk in
            guard let progress else { return }
            for line in lines.feed(chunk) {
                let fields = line.split(separator: UInt8(ascii: " "))
                guard fields.count == 3, fields[0].elementsEqual("progress".utf8),
                      let bytes = Int64(String(decoding: fields[1], as: UTF8.self)),
                      let rows = Int64(String(decoding: fields[2], as: UTF8.self)) else { continue }
                progress.setBytesRead(bytes)
                progress.setRows(rows)
            }
        }
        return try interpret(exit, input: input, output: output, oomKillsBefore: oomKillsBefore)
    }

    /// Converts `input` in `pool`'s worker for this thread (a batch).
    public static func run(pool: WorkerPool, input: String, output: String?) throws(ConversionError) -> [ConversionResult] {
        let oomKillsBefore = WorkerDeath.outOfMemoryKills()
        return try interpret(pool.run(input: input), input: input, output: output, oomKillsBefore: oomKillsBefore)
    }

    /// The worker's results, its error, or why it died.
    private static func interpret(
        _ exit: WorkerProcess.Exit?, input: String, output: String?, oomKillsBefore: Int?
    ) throws(ConversionError) -> [ConversionResult] {
        guard let exit else {
            throw .io(operation: "start a worker process for", path: input, reason: systemMessage(errno))
        }
        if let signal = exit.signal {
            removeLeftovers(output: output, input: input)
            throw WorkerDeath.error(input: input, signal: signal, oomKillsBefore: oomKillsBefore)
        }
        // The outcome is the last line; progress lines come before it.
        let last = exit.output.split(separator: UInt8(ascii: "\n")).last ?? []
        guard let outcome = try? JSONDecoder().decode(WorkerOutcome.self, from: Data(last)) else {
            removeLeftovers(output: output, input: input)
            // Interrupted on its own (a terminal's Ctrl-C reaches the whole process group).
            if [SIGINT, SIGTERM, SIGHUP].contains(where: { exit.status == 128 + $0 }) { throw .cancelled }
            throw WorkerDeath.error(input: input, exitStatus: exit.status)
        }
        if let error = outcome.error { throw error }
        return outcome.results
    }

    /// Sends the outcome on `channel` (the worker's original stdout), as one line.
    public static func answer(_ outcome: WorkerOutcome, on channel: Int32) {
        guard let data = try? JSONEncoder().encode(outcome) else { return }
        send([UInt8](data) + [UInt8(ascii: "\n")], on: channel)
    }

    /// In a worker: a `progress BYTES ROWS` line every quarter second until `stop`, then a
    /// last one with the final counts.
    public static func relayProgress(_ counter: ProgressCounter, channel: Int32) -> PeriodicReport {
        PeriodicReport { send(Array("progress \(counter.bytesRead) \(counter.rows)\n".utf8), on: channel) }
    }

    static func send(_ bytes: [UInt8], on channel: Int32) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(channel, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Splits a byte stream into lines.
    final class LineSplitter: @unchecked Sendable {
        private var pending: [UInt8] = []

        func feed(_ chunk: [UInt8]) -> [ArraySlice<UInt8>] {
            pending += chunk
            guard let end = pending.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
            let complete = Array(pending[..<end])
            pending.removeFirst(end + 1)
            return complete.split(separator: UInt8(ascii: "\n"))
        }
    }

    /// In a worker: keeps stdout for the outcome only (anything else printed goes to
    /// stderr) and returns the descriptor to answer on.
    public static func claimStdout() -> Int32 {
        let channel = fcntl(1, F_DUPFD_CLOEXEC, 3)
        dup2(2, 1)
        return channel
    }

    /// The dead worker's temporary outputs (its writer is gone, so they are stale).
    private static func removeLeftovers(output: String?, input: String) {
        guard let path = output else {
            // Written beside the input: any dead writer's temporaries there.
            StaleTemporaries.sweep(tree: AtomicOutputFile.directory(of: input), depth: 0)
            return
        }
        if Converter.isDirectory(path) {
            StaleTemporaries.sweep(tree: path)
        } else {
            StaleTemporaries.sweep(output: path)
        }
    }
}
