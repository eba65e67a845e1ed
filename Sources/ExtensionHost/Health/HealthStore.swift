import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// One extension's record across runs.
public struct ExtensionHealth: Sendable, Codable, Equatable {
    public var successes = 0
    public var failures = 0
    public var crashes = 0
    public var timeouts = 0
    /// Failures since the last success; the circuit opens at `HealthStore.tripAfter`.
    public var consecutiveFailures = 0
    public var lastError: String?
    public var lastReason: String?
    public var lastStderr: [String] = []
    /// Seconds since 1970.
    public var lastFailureAt: Double?
    public var lastHandshakeMilliseconds: Double?
    public var skippedUntil: Double?

    public init() {}
}

/// Per-extension crash/timeout counts, last error and latency, kept in the user's cache
/// directory so that an extension that keeps failing is skipped for a cool-down
/// (a circuit breaker) instead of slowing every conversion.
public final class HealthStore: Sendable {
    public static let tripAfter = 3
    public static let coolDownSeconds = 300.0

    public let path: String
    private let records: Mutex<[String: ExtensionHealth]>

    public init(environment: [String: String]) {
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"].map { $0 + "/.cache" } ?? "/tmp")
        path = cache + "/pyforge/extension-health.json"
        records = Mutex((FileManager.default.contents(atPath: path)).flatMap { try? JSONDecoder().decode([String: ExtensionHealth].self, from: $0) } ?? [:])
    }

    public func health(_ name: String) -> ExtensionHealth { records.withLock { $0[name] } ?? ExtensionHealth() }

    public var all: [String: ExtensionHealth] { records.withLock { $0 } }

    /// When the circuit is open: the time (seconds since 1970) the extension may be tried again.
    public func coolingDown(_ name: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        guard let until = records.withLock({ $0[name]?.skippedUntil }), until > now else { return nil }
        return until
    }

    public func recordSuccess(_ name: String, handshakeMilliseconds: Double?) {
        var record = health(name)
        record.successes += 1
        record.consecutiveFailures = 0
        record.skippedUntil = nil
        if let handshakeMilliseconds { record.lastHandshakeMilliseconds = handshakeMilliseconds }
        records.withLock { $0[name] = record }
    }

    /// Declines are not failures, and neither is a version mismatch: such an extension is
    /// never started for work, so it cannot slow conversions down, and it works again the
    /// moment either side is upgraded. Everything else counts toward the breaker.
    public func recordFailure(_ name: String, _ failure: ExtensionFailure, now: Double = Date().timeIntervalSince1970) {
        switch failure {
        case .declined, .coolingDown, .versionMismatch: return
        // The engine the extension drives failed (a Spark server down), not the extension.
        case .errorResponse(let error) where error.data?["reason"] == .string("engineFailed"): return
        default: break
        }
        var record = health(name)
        record.failures += 1
        record.consecutiveFailures += 1
        if case .crashed(_, let tail) = failure {
            record.crashes += 1
            record.lastStderr = Array(tail.suffix(20))
        }
        if case .timedOut = failure { record.timeouts += 1 }
        record.lastError = failure.description
        record.lastReason = failure.reason
        record.lastFailureAt = now
        if record.consecutiveFailures >= Self.tripAfter { record.skippedUntil = now + Self.coolDownSeconds }
        records.withLock { $0[name] = record }
    }

    /// Writes the records atomically (temp file + rename); failures are ignored: health is advice.
    public func save() {
        guard let data = try? JSONEncoder().encode(all) else { return }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        _ = try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }
}
