import Platform
import Pipeline
import Synchronization

/// Proof that an extension's whole process group is dead, so nothing it started can still
/// write a file. Only `ExtensionProcess.terminate()` makes one: whatever needs the
/// extension gone first (removing its temporary output) asks for it by type.
public struct ExtensionStopped: Sendable {
    fileprivate init() {}
}

/// A running extension: its own process group, with pipes for stdin, stdout and stderr.
/// `terminate()` walks the shutdown ladder — close stdin, wait, SIGTERM the group, wait,
/// SIGKILL the group — so neither the extension nor anything it started survives.
public final class ExtensionProcess: Sendable {
    public let pid: pid_t
    public let executable: String
    /// The host's ends of the pipes.
    public let stdinFD: Int32
    public let stdoutFD: Int32
    public let stderrFD: Int32
    private let state = Mutex<State>(State())
    /// Lets Ctrl-C in the host kill this process group too.
    private let interruptToken: Int?

    private struct State {
        var stdinOpen = true
        var exitStatus: Int32?
        /// Set once the ladder ended; the group id may belong to someone else afterwards.
        var groupGone = false
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var reason: String
        public var description: String { "Could not start '\(executable)': \(reason)." }
    }

    public init(executable: String, arguments: [String] = [], environment: [String: String]) throws(SpawnError) {
        self.executable = executable
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else {
            throw SpawnError(executable: executable, reason: String(cString: strerror(errno)))
        }
        // No other child may inherit these ends (the dup2 in the spawned child clears it there).
        for fd in stdinPipe + stdoutPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)

        // Its own process group (so the ladder reaches grandchildren), default signal
        // handling and an empty mask.
        var attributes = childSpawnAttributes(ownProcessGroup: true)
        defer { posix_spawnattr_destroy(&attributes) }

        let spawned = spawnProcess(
            executable, arguments: [executable] + arguments, environment: environment, actions: &actions, attributes: &attributes)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        let child: pid_t
        switch spawned {
        case .success(let pid): child = pid
        case .failure(let failure):
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw SpawnError(executable: executable, reason: failure.reason)
        }
        pid = child
        interruptToken = InterruptCleanup.remember(processGroup: child)
        stdinFD = stdinPipe[1]
        stdoutFD = stdoutPipe[0]
        stderrFD = stderrPipe[0]
    }

    deinit {
        terminate(grace: 0.5)
        close(stdoutFD)
        close(stderrFD)
    }

    /// Writes all bytes to the extension's stdin; false when it is gone (a short or zero
    /// write to a dead child is a failure, never success).
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    public func closeStdin() {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.stdinOpen = false }
            return state.stdinOpen
        }
        if wasOpen { close(stdinFD) }
    }

    /// The exit status once the process has been reaped (nil while it runs).
    public var exitStatus: Int32? {
        reap(blocking: false)
        return state.withLock { $0.exitStatus }
    }

    /// Describes how the process ended ("exited with status 3", "was killed by signal 9").
    public var exitDescription: String {
        guard let status = exitStatus else { return "is still running" }
        if status & 0x7F == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        return "was killed by signal \(status & 0x7F)"
    }

    @discardableResult
    private func reap(blocking: Bool) -> Bool {
        if state.withLock({ $0.exitStatus != nil }) { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        if result == pid {
            state.withLock { $0.exitStatus = status }
            return true
        }
        if result < 0 && errno == ECHILD {
            state.withLock { if $0.exitStatus == nil { $0.exitStatus = 0 } }
            return true
        }
        return false
    }

    private func waitForExit(seconds: Double) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if reap(blocking: false) { return true }
            usleep(5_000)
        }
        return reap(blocking: false)
    }

    /// Close stdin → wait `grace` → SIGTERM the group → wait → SIGKILL the group; then
    /// reaps the child and waits until no member of the group can run any more. Members
    /// left behind (grandchildren) get the signals too. Calling it again does nothing.
    @discardableResult
    public func terminate(grace: Double = 2) -> ExtensionStopped {
        if state.withLock({ $0.groupGone }) { return ExtensionStopped() }
        closeStdin()
        if !waitForExit(seconds: grace) {
            kill(-pid, SIGTERM)
            if !waitForExit(seconds: 1) {
                kill(-pid, SIGKILL)
                reap(blocking: true)
            }
        }
        // Grandchildren may outlive a child that exited on its own. A killed process can
        // still finish the write(2) or open(2) it is in, so wait until it is really gone.
        kill(-pid, SIGKILL)
        ProcessGroup.waitUntilGone(pid, seconds: Self.killDeadline)
        state.withLock { $0.groupGone = true }
        InterruptCleanup.forget(interruptToken)
        return ExtensionStopped()
    }

    /// How long SIGKILLed members may take to die; only a process stuck in the kernel
    /// (a hung network file system) takes longer, and the host cannot wait for it forever.
    static let killDeadline = 5.0
}
