import Platform
import Synchronization
import FormatKit

/// A worker's stderr, passed on to ours line by line: its messages reach the user as
/// before, except the Swift runtime's report of an allocation that failed against the
/// memory backstop ("Fatal error: failed to allocate …" and the stack trace after it).
/// That worker is about to exit (MemoryBackstop), and the parent reports the file's
/// failure in one sentence instead.
final class WorkerStderr: @unchecked Sendable {
    private let thread: BackgroundThread
    private let workerEnded: Flag

    private final class Flag: Sendable {
        let isSet = Atomic<Bool>(false)
    }

    /// Starts relaying `descriptor` (the read end of the worker's stderr pipe, closed at EOF).
    init(relaying descriptor: Int32) {
        let ended = Flag()
        workerEnded = ended
        thread = BackgroundThread {
            InterruptCleanup.leaveSignalsToOtherThreads()
            var pending: [UInt8] = []
            var silenced = false
            var buffer = [UInt8](repeating: 0, count: 16 << 10)
            var quiet = 0
            while true {
                // A process the worker started may hold the pipe open after the worker
                // ended: then its stderr is given up after two quiet seconds.
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let polled = poll(&ready, 1, 100)
                if polled == 0 {
                    quiet += 1
                    if ended.isSet.load(ordering: .acquiring) && quiet >= 20 { break }
                    continue
                }
                quiet = 0
                let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if silenced { continue }
                pending.append(contentsOf: buffer[0..<n])
                while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    if Self.reportsFailedAllocation(pending[...end]) {
                        silenced = true
                        break
                    }
                    WorkerProcess.writeAll(2, Array(pending[...end]))
                    pending.removeFirst(end + 1)
                }
            }
            if !silenced { WorkerProcess.writeAll(2, pending) }
            close(descriptor)
        }
        thread.start()
    }

    /// Waits until the worker's stderr has ended (it exited) and everything was passed on.
    func finish() {
        workerEnded.isSet.store(true, ordering: .releasing)
        thread.join()
    }

    /// The runtime's line for a failed allocation (Swift 6: "Fatal error: failed to allocate
    /// N bytes…"; earlier: "fatal error: Could not allocate memory").
    static func reportsFailedAllocation(_ line: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: line, as: UTF8.self)
        return text.lowercased().hasPrefix("fatal error:") && text.contains("allocate")
    }
}
