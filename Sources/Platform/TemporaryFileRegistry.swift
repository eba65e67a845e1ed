#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Paths of temporary outputs in progress, kept where a signal handler can unlink them
/// without allocating: on Ctrl-C, no temp file is left behind.
public enum TemporaryFileRegistry {
    static let slotCount = 64
    static let slotSize = 4096
    /// Fixed storage for NUL-terminated paths, allocated once and never freed.
    nonisolated(unsafe) static let storage: UnsafeMutablePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: slotCount * slotSize)
        pointer.initialize(repeating: 0, count: slotCount * slotSize)
        return pointer
    }()
    static let used = Mutex<[Bool]>(Array(repeating: false, count: slotCount))
    /// Written only under `used`'s lock; read by the signal handler.
    nonisolated(unsafe) static let live: UnsafeMutablePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount)
        pointer.initialize(repeating: 0, count: slotCount)
        return pointer
    }()

    /// Remembers `path`; returns a slot to release, or nil when the path is too long or
    /// every slot is taken (cleanup on signals is then best effort).
    public static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard bytes.count < slotSize else { return nil }
        return used.withLock { used -> Int? in
            guard let slot = used.firstIndex(of: false) else { return nil }
            used[slot] = true
            let destination = storage + slot * slotSize
            for (i, byte) in bytes.enumerated() { destination[i] = CChar(bitPattern: byte) }
            destination[bytes.count] = 0
            live[slot] = 1
            return slot
        }
    }

    public static func release(_ slot: Int?) {
        guard let slot else { return }
        used.withLock { used in
            live[slot] = 0
            used[slot] = false
        }
    }

    /// A table of process ids for the signal handler: fixed, preallocated, 0 = free slot.
    private static func pidTable() -> UnsafeMutablePointer<Int32> {
        let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
        pointer.initialize(repeating: 0, count: slotCount)
        return pointer
    }

    /// Puts `id` in the first free slot of `table`; nil when the table is full.
    private static func register(_ id: Int32, in table: UnsafeMutablePointer<Int32>) -> Int? {
        used.withLock { _ -> Int? in
            for slot in 0..<slotCount where table[slot] == 0 {
                table[slot] = id
                return slot
            }
            return nil
        }
    }

    /// Process groups of running extensions, killed on interruption (0 = free slot).
    nonisolated(unsafe) static let processGroups = pidTable()

    public static func registerProcessGroup(_ pgid: Int32) -> Int? { register(pgid, in: processGroups) }

    /// Async-signal-safe: whether an extension's process group is registered.
    public static func hasProcessGroups() -> Bool {
        for slot in 0..<slotCount where processGroups[slot] > 0 { return true }
        return false
    }

    public static func releaseProcessGroup(_ slot: Int?) {
        guard let slot else { return }
        used.withLock { _ in processGroups[slot] = 0 }
    }

    /// Worker processes running one conversion each (WorkerProcess; 0 = free slot).
    nonisolated(unsafe) static let workers = pidTable()

    public static func registerWorker(_ pid: Int32) -> Int? { register(pid, in: workers) }

    public static func releaseWorker(_ slot: Int?) {
        guard let slot else { return }
        used.withLock { _ in workers[slot] = 0 }
    }

    /// Set once an interruption stops the workers: their ends are not failures to report.
    public static let stopping = Atomic<Bool>(false)

    /// Async-signal-safe: asks every worker to stop (SIGTERM: each removes its own
    /// temporary files and stops its extensions in order) and waits for them, at most
    /// 10 seconds, then kills the rest. The workers stay unreaped: the threads that
    /// started them reap them.
    public static func stopWorkers() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        var any = false
        for slot in 0..<slotCount where workers[slot] > 0 {
            kill(workers[slot], SIGTERM)
            any = true
        }
        guard any else { return }
        var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
        for _ in 0..<2000 {
            var running = false
            for slot in 0..<slotCount where workers[slot] > 0 {
                var info = siginfo_t()
                // WNOWAIT: see whether it ended without reaping it (its pid stays ours).
                if waitid(P_PID, id_t(workers[slot]), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_signo == 0 {
                    running = true
                }
            }
            if !running { return }
            nanosleep(&pause, nil)
        }
        for slot in 0..<slotCount where workers[slot] > 0 { kill(workers[slot], SIGKILL) }
    }

    /// Called from a signal handler: only async-signal-safe calls. Extensions are killed
    /// first and given a moment to die, since one still running could write a temporary
    /// file again after it was removed.
    public static func unlinkAll() {
        stopWorkers()
        for slot in 0..<slotCount where processGroups[slot] > 0 {
            kill(-processGroups[slot], SIGKILL)
        }
        var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
        for _ in 0..<500 {
            var running = false
            for slot in 0..<slotCount where processGroups[slot] > 0 {
                // The leader is our child: reap it, or its zombie keeps the group alive.
                var status: Int32 = 0
                _ = waitpid(processGroups[slot], &status, WNOHANG)
                if kill(-processGroups[slot], 0) == 0 { running = true }
            }
            if !running { break }
            nanosleep(&pause, nil)
        }
        for slot in 0..<slotCount where live[slot] != 0 {
            unlink(storage + slot * slotSize)
        }
    }

    /// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove registered temporary
    /// files and exit with 128 + the signal number.
    public static func installSignalHandlers() {
        _ = storage
        _ = live
        _ = processGroups
        _ = workers
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                // Extensions running: the first signal asks them to stop in order (on
                // another thread, which exits); a second one, or none running, ends now.
                if OrderlyInterruption.begin(received) { return }
                TemporaryFileRegistry.unlinkAll()
                _exit(128 + received)
            }
        }
    }
}

/// Removes unfinished outputs when the process is interrupted (SIGINT, SIGTERM, SIGHUP).
public enum InterruptCleanup {
    public static func install() {
        TemporaryFileRegistry.installSignalHandlers()
    }

    /// Makes the first interruption while an extension runs call `stop` on a separate
    /// thread (it cancels and stops the extensions), then remove the temporary files and
    /// exit with 128 + the signal number. Without it, or on a second signal, the extensions'
    /// process groups are killed at once.
    public static func setOrderlyStop(_ stop: @escaping @Sendable () -> Void) {
        OrderlyInterruption.install(stop)
    }

    /// Called by a thread that must not run the signal handlers (one the orderly stop
    /// waits for, such as a pipe reader): blocks SIGINT, SIGTERM and SIGHUP in it.
    public static func leaveSignalsToOtherThreads() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, signalNumber) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Once an orderly stop began, the caller (about to fall back, or to commit an output)
    /// waits here for the process to exit instead of writing anything more.
    public static func holdIfInterrupted() {
        OrderlyInterruption.holdIfInterrupted()
    }

    /// Remembers an extension's process group so an interruption kills it; returns a
    /// token for `forget`.
    public static func remember(processGroup: Int32) -> Int? {
        TemporaryFileRegistry.registerProcessGroup(processGroup)
    }

    public static func forget(_ token: Int?) {
        TemporaryFileRegistry.releaseProcessGroup(token)
    }
}
