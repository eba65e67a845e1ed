/// When and how often a failed Spark Connect call is tried again.
///
/// The rules are pyspark's `DefaultPolicy` (pyspark/sql/connect/client/retries.py, 4.3):
/// retry `UNAVAILABLE` (a cluster still starting, a dropped connection), an `INTERNAL` error
/// whose message names `INVALID_CURSOR.DISCONNECTED`, and any error the server sent with a
/// `google.rpc.RetryInfo` detail; wait 50 ms, then four times longer each time up to 60 s,
/// adding up to 500 ms of random jitter to waits of 2 s or more; at most 15 retries; a
/// server's `retry_delay` raises the wait (capped at 10 minutes).
///
/// pyspark can wait ten minutes in total; a command-line tool with a fallback engine should
/// give up sooner, so the sum of all waits is also bounded (`maximumTotalWait`, 30 s by
/// default; PYFORGE_SPARK_RETRY_MAX_SECONDS and PYFORGE_SPARK_MAX_RETRIES override).
public struct SparkRetryPolicy: Sendable, Hashable {
    public var maximumRetries: Int = 15
    public var initialBackoff: Duration = .milliseconds(50)
    public var maximumBackoff: Duration = .seconds(60)
    public var backoffMultiplier: Int = 4
    public var jitter: Duration = .milliseconds(500)
    public var minimumJitterThreshold: Duration = .seconds(2)
    public var maximumServerRetryDelay: Duration = .seconds(600)
    /// The bound on all waits of one call together.
    public var maximumTotalWait: Duration = .seconds(30)

    public init() {}

    /// No retries at all.
    public static let never: SparkRetryPolicy = {
        var policy = SparkRetryPolicy()
        policy.maximumRetries = 0
        policy.maximumTotalWait = .zero
        return policy
    }()

    /// The defaults, with PYFORGE_SPARK_RETRY_MAX_SECONDS (the total wait, 0 turns retries
    /// off) and PYFORGE_SPARK_MAX_RETRIES applied; a value that is not a non-negative number
    /// is an error naming the variable.
    public static func fromEnvironment(_ environment: [String: String]) throws(SparkConnectError) -> SparkRetryPolicy {
        var policy = SparkRetryPolicy()
        if let text = environment["PYFORGE_SPARK_RETRY_MAX_SECONDS"], !text.isEmpty {
            guard let seconds = Double(text), seconds >= 0, seconds <= 86_400 else {
                throw .invalidSetting("PYFORGE_SPARK_RETRY_MAX_SECONDS is '\(text.prefix(40))', not a number of seconds from 0 to 86400; set it to the longest time to keep retrying an unreachable Spark server (default 30).")
            }
            policy.maximumTotalWait = .milliseconds(Int64(seconds * 1000))
        }
        if let text = environment["PYFORGE_SPARK_MAX_RETRIES"], !text.isEmpty {
            guard let count = Int(text), (0...1000).contains(count) else {
                throw .invalidSetting("PYFORGE_SPARK_MAX_RETRIES is '\(text.prefix(40))', not a whole number from 0 to 1000; set it to how many times a failed Spark call is retried (default 15).")
            }
            policy.maximumRetries = count
        }
        return policy
    }

    /// A fresh schedule for one call.
    public func schedule() -> SparkRetrySchedule { SparkRetrySchedule(policy: self) }
}

/// The waits of one call's retries, in order; `nextDelay` returns nil once the policy's
/// budget (retries or total wait) is spent.
public struct SparkRetrySchedule: Sendable {
    public let policy: SparkRetryPolicy
    public private(set) var retries = 0
    public private(set) var waited: Duration = .zero
    private var nextBackoff: Duration

    init(policy: SparkRetryPolicy) {
        self.policy = policy
        nextBackoff = policy.initialBackoff
    }

    /// - Parameters:
    ///   - serverDelay: the `RetryInfo.retry_delay` the server sent, if any.
    ///   - random: a number in 0...1 (the jitter's fraction); injected so tests are exact.
    public mutating func nextDelay(serverDelay: Duration? = nil, random: () -> Double) -> Duration? {
        let remaining = policy.maximumTotalWait - waited
        guard policy.maximumRetries > retries, remaining > .zero else { return nil }
        retries += 1
        var wait = nextBackoff
        nextBackoff = min(policy.maximumBackoff, wait * policy.backoffMultiplier)
        if let serverDelay { wait = max(wait, min(serverDelay, policy.maximumServerRetryDelay)) }
        if wait >= policy.minimumJitterThreshold { wait += policy.jitter * min(1, max(0, random())) }
        // The last wait is cut to what the bound leaves, so the final attempt still happens
        // at the bound instead of being skipped.
        wait = min(wait, remaining)
        waited += wait
        return wait
    }
}
