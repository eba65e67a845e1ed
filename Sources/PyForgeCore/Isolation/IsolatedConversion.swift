#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    public static func run(
        arguments: [String], stdin: [UInt8] = [], input: String, output: String?, environment: [String: String]
    ) throws(ConversionError) -> [ConversionResult] {
        let oomKillsBefore = WorkerDeath.outOfMemoryKills()
        guard let exit = WorkerProcess.run(arguments: arguments, input: stdin, environment: environment) else {
            throw .io(operation: "start a worker process for", path: input, reason: systemMessage(errno))
        }
        if let signal = exit.signal {
            removeLeftovers(output: output, input: input)
            throw WorkerDeath.error(input: input, signal: signal, oomKillsBefore: oomKillsBefore)
        }
        guard let outcome = try? JSONDecoder().decode(WorkerOutcome.self, from: Data(exit.output)) else {
            removeLeftovers(output: output, input: input)
            // Interrupted on its own (a terminal's Ctrl-C reaches the whole process group).
            if [SIGINT, SIGTERM, SIGHUP].contains(where: { exit.status == 128 + $0 }) { throw .cancelled }
            throw WorkerDeath.error(input: input, exitStatus: exit.status)
        }
        if let error = outcome.error { throw error }
        return outcome.results
    }

    /// Sends the outcome on `channel` (the worker's original stdout).
    public static func answer(_ outcome: WorkerOutcome, on channel: Int32) {
        guard let data = try? JSONEncoder().encode(outcome) else { return }
        let bytes = [UInt8](data)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(channel, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
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
