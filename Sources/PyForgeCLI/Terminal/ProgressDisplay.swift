import Platform
import PyForgeCore
import Synchronization
import FormatKit

/// A one-line progress bar on stderr (rows, MB/s, ETA), drawn only when stderr is a terminal.
final class ProgressDisplay: Sendable {
    private let label: String
    private let counter: ProgressCounter
    private let running = Atomic<Bool>(false)
    private let enabled: Bool

    init(label: String, counter: ProgressCounter) {
        self.label = label
        self.counter = counter
        enabled = isatty(2) != 0 && counter.totalBytes > 0
    }

    func start() {
        guard enabled else { return }
        running.store(true, ordering: .releasing)
        Task.detached { [self] in
            let started = monotonicSeconds()
            try? await Task.sleep(nanoseconds: 300_000_000)
            while running.load(ordering: .acquiring) {
                draw(elapsed: monotonicSeconds() - started)
                try? await Task.sleep(nanoseconds: 200_000_000)
            }
        }
    }

    func stop() {
        guard enabled, running.exchange(false, ordering: .acquiringAndReleasing) else { return }
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
