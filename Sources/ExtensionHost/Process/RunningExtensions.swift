import Platform
import ExtensionProtocol
import Pipeline
import Synchronization

/// The extensions this process is talking to, so that Ctrl-C (SIGINT, SIGTERM, SIGHUP)
/// stops them in order: `$/cancelRequest` for every pending request, a short grace for
/// the answers (−32800), then the shutdown ladder (SPEC §7, §11.3). A second signal
/// during that stops at once.
enum RunningExtensions {
    private final class Entry: Sendable {
        weak let connection: ExtensionConnection?
        init(_ connection: ExtensionConnection) { self.connection = connection }
    }

    private static let live = Mutex<[ObjectIdentifier: Entry]>([:])
    private static let installed = Mutex<Bool>(false)

    static func add(_ connection: ExtensionConnection) {
        let first = installed.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if first { InterruptCleanup.setOrderlyStop { stopAll() } }
        live.withLock { $0[ObjectIdentifier(connection)] = Entry(connection) }
    }

    static func remove(_ connection: ExtensionConnection) {
        live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Runs on the interruption thread; the process exits when it returns.
    static func stopAll() {
        let connections = live.withLock { $0.values.compactMap(\.connection) }
        let pending = connections.map { connection -> [RequestID] in
            connection.markUnresponsive()
            return connection.cancelPending()
        }
        let deadline = monotonicSeconds() + RequestLimits.defaultCancelGrace
        for (connection, ids) in zip(connections, pending) where !ids.isEmpty {
            let outcomes = connection.awaitCancelled(ids, seconds: max(0, deadline - monotonicSeconds()))
            let line: String
            if outcomes.values.allSatisfy({ $0 == .acknowledged }) {
                line = "Interrupted: extension '\(connection.name)' cancelled its work (-32800)."
            } else if outcomes.values.contains(where: { $0 == nil }) {
                line = "Interrupted: extension '\(connection.name)' did not answer the cancellation within \(RequestLimits.defaultCancelGrace) s; it was stopped."
            } else {
                line = "Interrupted: extension '\(connection.name)' finished before the cancellation; it was stopped."
            }
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
        // In parallel: each ladder may wait for its extension.
        let ladders = connections.map { connection in
            BackgroundThread { connection.process.terminate(grace: ExtensionSession.failedGrace) }
        }
        ladders.forEach { $0.start() }
        ladders.forEach { $0.join() }
    }
}
