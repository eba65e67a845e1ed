import Platform
import FormatKit

/// One conversion run in a child process of this same executable, so that a trap or an
/// out-of-memory kill ends that conversion only (batch files, `serve` requests): the
/// parent sees how the child ended and turns a death into that conversion's failure.
/// The child stays in our process group (a terminal's Ctrl-C reaches it too), gets
/// SIGTERM when we are interrupted (TemporaryFileRegistry) and SIGTERM when we die
/// (PR_SET_PDEATHSIG, set by the child: `WorkerProcess.becomeWorker`).
public enum WorkerProcess {
    /// How a worker ended: its exit status or the signal that killed it, and what it
    /// printed on stdout (its result).
    public struct Exit: Sendable {
        public var status: Int32
        public var signal: Int32?
        public var output: [UInt8]
    }

    /// The environment variable that tells a worker which process it belongs to.
    public static let parentVariable = "PYFORGE_WORKER_PARENT"

    /// A started worker: its pid, the write end of its stdin, the read end of its stdout, and
    /// the relay of its stderr.
    struct Started {
        var pid: pid_t
        var stdin: Int32
        var stdout: Int32
        var stderr: WorkerStderr
    }

    /// Starts `/proc/self/exe arguments…`; nil when it could not start.
    static func spawn(arguments: [String], environment: [String: String]) -> Started? {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0 else { return nil }
        guard pipe(&outPipe) == 0 else {
            inPipe.forEach { close($0) }
            return nil
        }
        guard pipe(&errPipe) == 0 else {
            (inPipe + outPipe).forEach { close($0) }
            return nil
        }
        // Other workers started meanwhile must not hold these ends, or EOF never comes.
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Threads here may block signals (OrderlyInterruption); the worker starts with none blocked.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)

        var childEnvironment = environment
        childEnvironment[parentVariable] = String(getpid())
        // A crash is reported by the parent in one sentence; the runtime's backtrace
        // would only bury it.
        childEnvironment["SWIFT_BACKTRACE"] = "enable=no"
        // The same budget as ours (a serve worker has no --max-memory of its own).
        childEnvironment[MemoryBudget.variable] = String(MemoryBudget.current.bytes)
        let executable = "/proc/self/exe"
        let spawned = spawnProcess(
            executable, arguments: ["pyforge"] + arguments, environment: childEnvironment, actions: &actions, attributes: &attributes)
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard case .success(let child) = spawned else {
            close(inPipe[1])
            close(outPipe[0])
            close(errPipe[0])
            return nil
        }
        return Started(pid: child, stdin: inPipe[1], stdout: outPipe[0], stderr: WorkerStderr(relaying: errPipe[0]))
    }

    /// Runs `/proc/self/exe arguments…` with `input` on its stdin; nil when it could not start.
    /// `received` sees the child's stdout as it arrives (progress lines).
    public static func run(
        arguments: [String], input: [UInt8] = [], environment: [String: String], received: (([UInt8]) -> Void)? = nil
    ) -> Exit? {
        guard let started = spawn(arguments: arguments, environment: environment) else { return nil }
        let token = TemporaryFileRegistry.registerWorker(started.pid)
        defer { TemporaryFileRegistry.releaseWorker(token) }
        writeAll(started.stdin, input)
        close(started.stdin)
        let output = readAll(started.stdout, received: received)
        close(started.stdout)
        let exit = reap(started.pid, output: output)
        started.stderr.finish()
        return exit
    }

    /// Waits for the worker to end and says how it did.
    static func reap(_ child: pid_t, output: [UInt8]) -> Exit {
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        // We are being interrupted and stopped this worker: the signal handler exits the
        // process; nothing more is reported or written meanwhile.
        while TemporaryFileRegistry.stopping.load(ordering: .sequentiallyConsistent) { pause() }
        let termination = status & 0x7f
        if termination != 0 && termination != 0x7f {
            return Exit(status: -1, signal: termination, output: output)
        }
        return Exit(status: (status >> 8) & 0xff, signal: nil, output: output)
    }

    /// Called first thing in a worker: it dies with its parent (SIGTERM, so its own
    /// temporary files go too), and exits at once if the parent is already gone.
    public static func becomeWorker(environment: [String: String]) {
        guard let raw = environment[parentVariable], let parent = Int32(raw) else { return }
        // prctl(2) is variadic in C, so Swift does not import it: called through its address.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        if let symbol = dlsym(nil, "prctl") {
            _ = unsafeBitCast(symbol, to: Prctl.self)(Self.setParentDeathSignal, UInt(SIGTERM), 0, 0, 0)
        } else {
            // Without prctl: notice the parent's death by polling.
            let watchdog = BackgroundThread {
                while getppid() == parent { usleep(200_000) }
                kill(getpid(), SIGTERM)
            }
            watchdog.start()
        }
        if getppid() != parent { _exit(1) }
        MemoryBackstop.becomeWorker()
    }

    /// PR_SET_PDEATHSIG from <linux/prctl.h>.
    private static let setParentDeathSignal: Int32 = 1

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    private static func readAll(_ fd: Int32, received: (([UInt8]) -> Void)?) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return result }
            result.append(contentsOf: buffer[0..<n])
            received?(Array(buffer[0..<n]))
        }
    }
}
