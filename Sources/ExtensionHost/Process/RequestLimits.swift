import ExtensionProtocol

/// How long the host waits for an extension's answer (SPEC §11.2). Three clocks run while
/// a request is pending, and the first to expire ends the wait:
/// - `idle`: since the last sign of life (a response, or any `$/progress`);
/// - `stall`: since the last progress that advanced (`done` above every earlier `done`),
///   or the start — a heartbeat that repeats itself buys time only for so long;
/// - `absolute`: since the request was sent, progress or not.
/// A request that expires is cancelled and gets `cancelGrace` seconds to answer.
public struct RequestLimits: Sendable, Equatable {
    public var idle: Double
    public var stall: Double
    public var absolute: Double
    public var cancelGrace: Double

    public init(idle: Double, absolute: Double, stall: Double? = nil, cancelGrace: Double = 0) {
        self.idle = idle
        self.stall = stall ?? absolute
        self.absolute = absolute
        self.cancelGrace = cancelGrace
    }

    /// One limit for a quick request (the handshake, a ping).
    public static func within(_ seconds: Double) -> RequestLimits {
        RequestLimits(idle: seconds, absolute: seconds)
    }

    /// The limit that expired, in seconds, and what to add to the phase's name; nil while
    /// the request may still run.
    func expired(by liveness: Liveness, started: Double, now: Double) -> (Double, String)? {
        if now - liveness.lastSign > idle { return (idle, "") }
        if now - liveness.lastAdvance > stall { return (stall, " (its progress stood still)") }
        if now - started > absolute { return (absolute, "") }
        return nil
    }

    // Defaults (SPEC §11.2 gives the reasoning). A manifest's `timeouts` override them.
    public static let defaultStartup = 2.0
    public static let defaultProbe = 3.0
    public static let defaultIdle = 15.0
    /// `stall` is this many idle periods.
    public static let stallIdlePeriods = 2.0
    /// `absolute` for a convert: this floor, plus `secondsPerMiB` of input (a pessimistic
    /// 0.25 MiB/s), or twice the extension's own `estimatedSeconds` when that is more...
    public static let absoluteFloor = 60.0
    public static let absoluteSecondsPerMiB = 4.0
    /// ...an hour when the input's size is unknown or 0 (a path only the extension reaches),
    /// and never more than six hours.
    public static let absoluteUnknownSize = 3600.0
    public static let absoluteCeiling = 6 * 3600.0
    /// How long a cancelled request (timed out, or the user pressed Ctrl-C) may take to
    /// answer before the shutdown ladder begins.
    public static let defaultCancelGrace = 1.0

    /// The limits of a `convert` of `inputBytes` (nil: unknown), given the extension's
    /// manifest and its probe's `estimatedSeconds`.
    public static func convert(manifest: ExtensionManifest.Timeouts?, inputBytes: Int64?, estimatedSeconds: Double?) -> RequestLimits {
        let idle = manifest?.idle ?? defaultIdle
        let absolute = manifest?.absolute ?? derivedAbsolute(inputBytes: inputBytes, estimatedSeconds: estimatedSeconds)
        return RequestLimits(idle: idle, absolute: absolute, stall: idle * stallIdlePeriods, cancelGrace: defaultCancelGrace)
    }

    static func derivedAbsolute(inputBytes: Int64?, estimatedSeconds: Double?) -> Double {
        // 0 is what the host sends for a path it cannot see (direct mode): unknown too.
        guard let inputBytes, inputBytes > 0 else { return absoluteUnknownSize }
        var limit = absoluteFloor + Double(inputBytes) / Double(1 << 20) * absoluteSecondsPerMiB
        if let estimatedSeconds, estimatedSeconds.isFinite, estimatedSeconds > 0 {
            limit = max(limit, absoluteFloor + 2 * estimatedSeconds)
        }
        return min(limit, absoluteCeiling)
    }
}

/// The signs of life the limits are measured from (see `RequestLimits`).
struct Liveness {
    private(set) var lastSign: Double
    private(set) var lastAdvance: Double
    /// The highest `done` seen per progress token.
    private var highest: [String: Double] = [:]

    init(now: Double) {
        lastSign = now
        lastAdvance = now
    }

    mutating func answered(now: Double) {
        lastSign = now
        lastAdvance = now
    }

    mutating func progressed(_ progress: ProgressParams, now: Double) {
        lastSign = now
        guard progress.done.isFinite else { return }
        if let highest = highest[progress.token], progress.done <= highest { return }
        highest[progress.token] = progress.done
        lastAdvance = now
    }
}
