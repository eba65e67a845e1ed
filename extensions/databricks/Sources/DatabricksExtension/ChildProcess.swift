import Platform
import NIOPosix

/// Runs a program to completion with `posix_spawn` and collects its standard output; standard
/// input and error are `/dev/null`. Foundation's `Process` would pull the whole of Foundation
/// (and ICU) into the extension for this one job, and it makes every child the leader of a
/// process group of its own, out of reach of the host: the host stops an extension by
/// signalling its group and only then removes the temporary output the extension was
/// writing, so a child in another group would go on writing there (and rename its finished
/// file onto that path) after the host removed it (issue #22). Here the child stays in this
/// extension's group (no POSIX_SPAWN_SETPGROUP).
enum ChildProcess {
    /// How a finished child ended, and what it wrote to standard output.
    struct Finished: Sendable {
        /// The raw `waitpid` status.
        var status: Int32
        var output: [UInt8]

        var succeeded: Bool { status == 0 }

        /// "exited with status 3" or "was killed by signal 9".
        var exitDescription: String {
            status & 0x7F == 0 ? "exited with status \((status >> 8) & 0xFF)" : "was killed by signal \(status & 0x7F)"
        }
    }

    /// The program could not be started, or its output could not be read.
    struct Failure: Error, Sendable, CustomStringConvertible {
        var executable: String
        var reason: String
        var description: String { "Starting '\(executable)' failed: \(reason). Check that it exists and is executable." }
    }

    /// Runs the program on NIO's thread pool for blocking work: reading its output and
    /// `waitpid` block a thread for as long as the child runs, which must be neither a thread
    /// of Swift's cooperative pool nor an event loop.
    /// Standard error goes to `errorFile` when given (created or truncated), else `/dev/null`.
    static func run(
        _ executable: String, arguments: [String], environment: [String: String], errorFile: String? = nil
    ) async throws -> Finished {
        try await NIOThreadPool.singleton.runIfActive {
            try runBlocking(executable, arguments: arguments, environment: environment, errorFile: errorFile)
        }
    }

    /// Spawns the child, reads its standard output to the end and reaps it. Blocks.
    static func runBlocking(
        _ executable: String, arguments: [String], environment: [String: String], errorFile: String? = nil
    ) throws(Failure) -> Finished {
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw Failure(executable: executable, reason: systemMessage(errno)) }
        // Only the child's copy (made by dup2 below) may outlive the spawn in another process.
        for fd in output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Standard input stays the host's protocol channel: the child must never read from it.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else of this process either (the kit's copy of the protocol's stdout, NIO's
        // sockets): every other inherited descriptor is closed on exec.
        closeOnExecAboveStandardStreams()

        // This process ignores SIGPIPE (it writes to the host's pipes); the child gets the
        // default handling back, and an empty signal mask.
        var attributes = childSpawnAttributes(ownProcessGroup: false)
        defer { posix_spawnattr_destroy(&attributes) }

        let spawned = spawnProcess(
            executable, arguments: [executable] + arguments, environment: environment, actions: &actions, attributes: &attributes)
        close(output[1])
        let child: pid_t
        switch spawned {
        case .success(let pid): child = pid
        case .failure(let failure):
            close(output[0])
            throw Failure(executable: executable, reason: failure.reason)
        }

        let collected = readToEnd(output[0])
        close(output[0])
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(executable: executable, reason: "waiting for it failed: \(systemMessage(errno))") }
        }
        switch collected {
        case .success(let bytes): return Finished(status: status, output: bytes)
        case .failure(let error): throw Failure(executable: executable, reason: "reading its output failed: \(error.reason)")
        }
    }

    private static func closeOnExecAboveStandardStreams() {
        #if os(Linux)
        for entry in directoryEntries("/proc/self/fd") {
            if let fd = Int32(entry), fd > 2 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        }
        #endif
    }

    private struct ReadError: Error { var reason: String }

    /// Everything written to `fd` until its writers close it.
    private static func readToEnd(_ fd: Int32) -> Result<[UInt8], ReadError> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count > 0 {
                bytes += chunk[0..<count]
            } else if count == 0 {
                return .success(bytes)
            } else if errno != EINTR {
                return .failure(ReadError(reason: systemMessage(errno)))
            }
        }
    }
}
