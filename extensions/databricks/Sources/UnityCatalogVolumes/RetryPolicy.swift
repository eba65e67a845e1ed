/// How the Files API client retries 429, 5xx and broken connections.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait before the first retry; each later retry doubles it.
    public var baseDelay: Duration
    /// The longest backoff wait.
    public var maxDelay: Duration
    /// The longest wait a server's `Retry-After` may ask for.
    public var maxRetryAfter: Duration
    /// Spread of the random jitter, as a fraction of the backoff (0.2 = ±20 %), so that many
    /// clients do not retry in step.
    public var jitter: Double

    /// Creates a policy; `maxAttempts` is at least 1 and `jitter` is clamped to 0...1.
    public init(
        maxAttempts: Int, baseDelay: Duration, maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120), jitter: Double = 0.2
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = min(max(jitter, 0), 1)
    }

    /// 5 attempts, waiting 0.5 s, 1 s, 2 s, 4 s (±20 %) or what `Retry-After` asks.
    public static let `default` = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500))

    /// The wait before retry number `retry` (1 for the first), honouring the server's `Retry-After`.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxRetryAfter) }
        let doublings = min(max(retry - 1, 0), 30)
        let backoff = min(baseDelay * (1 << doublings), maxDelay)
        let factor = 1 + Double.random(in: -jitter...jitter)
        return backoff * factor
    }
}
