#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The first SIGINT/SIGTERM/SIGHUP while an extension runs: the signal handler only writes
/// the signal number to a pipe (async-signal-safe) and returns; a thread waiting on that
/// pipe runs the orderly stop (cancel, short grace, shutdown ladder), removes the
/// temporary files and exits with 128 + the signal number.
public enum OrderlyInterruption {
    /// The pipe's write end, or -1 before `install`.
    public static let wakeFD = Atomic<Int32>(-1)
    /// The signal that began the orderly stop, or 0.
    public static let signalReceived = Atomic<Int32>(0)

    public static func install(_ stop: @escaping @Sendable () -> Void) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let readFD = fds[0]
        let thread = BackgroundThread {
            InterruptCleanup.leaveSignalsToOtherThreads()
            var byte: UInt8 = 0
            while read(readFD, &byte, 1) < 0 && errno == EINTR {}
            stop()
            TemporaryFileRegistry.unlinkAll()
            _exit(128 + signalReceived.load(ordering: .sequentiallyConsistent))
        }
        thread.start()
        wakeFD.store(fds[1], ordering: .sequentiallyConsistent)
    }

    /// From the signal handler: true when the orderly stop took this signal.
    public static func begin(_ signalNumber: Int32) -> Bool {
        let fd = wakeFD.load(ordering: .sequentiallyConsistent)
        guard fd >= 0, TemporaryFileRegistry.hasProcessGroups() else { return false }
        guard signalReceived.compareExchange(expected: 0, desired: signalNumber, ordering: .sequentiallyConsistent).exchanged else {
            return false
        }
        var byte = UInt8(truncatingIfNeeded: signalNumber)
        return write(fd, &byte, 1) == 1
    }

    public static func holdIfInterrupted() {
        guard signalReceived.load(ordering: .sequentiallyConsistent) != 0 else { return }
        while true { pause() }
    }
}
