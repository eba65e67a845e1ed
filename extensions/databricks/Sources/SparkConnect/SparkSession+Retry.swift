import GRPCCore

extension SparkSession {
    /// Runs `call` until it succeeds, fails with an error the policy does not retry, or the
    /// policy's budget is spent; the last error is reported with how long we kept trying.
    func retrying<Result: Sendable>(
        _ policy: SparkRetryPolicy, _ call: () async throws -> Result
    ) async throws(SparkConnectError) -> Result {
        var schedule = policy.schedule()
        while true {
            do {
                return try await call()
            } catch let error as RPCError {
                guard SparkRetryPolicy.isRetryable(error),
                    let delay = schedule.nextDelay(serverDelay: SparkRetryPolicy.serverRetryDelay(in: error), random: { Double.random(in: 0...1) })
                else { throw SparkConnectError(error, remote: remote, after: schedule) }
                try await Self.pause(delay)
            } catch let error as ProtobufError {
                throw .protocolError(error)
            } catch let error as SparkConnectError {
                throw error
            } catch {
                throw .rpc(code: "unknown", message: "\(error)")
            }
        }
    }

    /// Sleeps between attempts; an interruption ends the call.
    static func pause(_ delay: Duration) async throws(SparkConnectError) {
        do { try await Task.sleep(for: delay) } catch { throw .rpc(code: "cancelled", message: "the Spark call was interrupted") }
    }
}

extension SparkConnectError {
    init(_ error: RPCError, remote: SparkRemote, after schedule: SparkRetrySchedule? = nil) {
        switch error.code {
        case .unavailable, .deadlineExceeded:
            var detail = error.message
            if let schedule, schedule.retries > 0 {
                detail += "; still failing after \(schedule.retries) \(schedule.retries == 1 ? "retry" : "retries") over \(schedule.waited.wholeSeconds) s (PYFORGE_SPARK_RETRY_MAX_SECONDS sets how long to keep trying)"
            }
            self = .unreachable(server: remote.description, detail: detail)
        case .unauthenticated:
            self = .unauthenticated(server: remote.description, detail: error.message)
        case .permissionDenied where error.message.lowercased().contains("token"):
            self = .unauthenticated(server: remote.description, detail: error.message)
        default:
            self = .failed(errorClass: SparkConnectError.errorClass(of: error.message), message: error.message)
        }
    }
}

extension Duration {
    /// Whole seconds, rounded to the nearest, for messages.
    var wholeSeconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds + (attoseconds >= 500_000_000_000_000_000 ? 1 : 0)
    }
}
