#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Calls `report` every quarter second on a thread of its own until `stop`, which calls it
/// one last time: a conversion reports its progress at least once, however fast it was.
/// (Serve's `$/progress` and a worker's progress lines both tick this way.)
public final class PeriodicReport: @unchecked Sendable {
    private let report: @Sendable () -> Void
    private let running = Atomic<Bool>(true)
    private var thread: BackgroundThread?

    public init(_ report: @escaping @Sendable () -> Void) {
        self.report = report
        thread = BackgroundThread { [self] in
            while running.load(ordering: .relaxed) {
                // Sleep in short slices so a finished conversion is answered at once.
                for _ in 0..<25 where running.load(ordering: .relaxed) { usleep(10_000) }
                guard running.load(ordering: .relaxed) else { return }
                self.report()
            }
        }
        thread?.start()
    }

    /// Stops the ticks and reports the final state.
    public func stop() {
        running.store(false, ordering: .relaxed)
        thread?.join()
        thread = nil
        report()
    }
}
