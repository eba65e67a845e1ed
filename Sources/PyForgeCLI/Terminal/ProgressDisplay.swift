import Platform
import Pipeline
import Synchronization
import FormatKit

/// A one-line progress bar on stderr (rows, MB/s, ETA), drawn only when stderr is a terminal,
/// from a thread of its own (the command itself is synchronous; docs/CONCURRENCY.md).
final class ProgressDisplay: Sendable {
    private let label: String
    private let counter: ProgressCounter
    private let running = Atomic<Bool>(false)
    private let enabled: Bool
    private let drawer = Mutex<BackgroundThread?>(nil)

    init(label: String, counter: ProgressCounter) {
        self.label = label
        self.counter = counter
        enabled = isatty(2) != 0 && counter.totalBytes > 0
    }

    func start() {
        guard enabled else { return }
        running.store(true, ordering: .releasing)
        let thread = BackgroundThread { [self] in
            InterruptCleanup.leaveSignalsToOtherThreads()
            let started = monotonicSeconds()
            // First draw after 300 ms (a fast conversion never shows a bar), then every 200 ms;
            // short sleeps so that stop() is not kept waiting.
            var nextDraw = started + 0.3
            while running.load(ordering: .acquiring) {
                if monotonicSeconds() >= nextDraw {
                    draw(elapsed: monotonicSeconds() - started)
                    nextDraw += 0.2
                }
                usleep(10_000)
            }
        }
        drawer.withLock { $0 = thread }
        thread.start()
    }

    func stop() {
        guard enabled, running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        // Joined before the line is cleared, so no last draw can follow the clearing.
        drawer.withLock { $0.take() }?.join()
        writeStderr("\r\u{1B}[K")
    }

    private func draw(elapsed: Double) {
        let done = Double(counter.bytesRead), total = Double(counter.totalBytes)
        let fraction = total > 0 ? min(1, done / total) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = elapsed > 0 ? done / elapsed / 1_000_000 : 0
        let eta = rate > 0 ? (total - done) / 1_000_000 / rate : 0
        let name = label.split(separator: "/").last.map(String.init) ?? label
        writeStderr("\r\u{1B}[K\(name) [\(bar)] \(Int(fraction * 100))%  \(Formatting.grouped(Int(counter.rows))) rows  \(Formatting.decimal(rate, digits: 1)) MB/s  ETA \(Int(eta.rounded())) s")
    }
}
