import GRPCCore

/// Runs plans as reattachable executions, as pyspark's `ExecutePlanResponseReattachableIterator`
/// does (pyspark/sql/connect/client/reattach.py, 4.3): the `ExecutePlan` request carries an
/// operation id and `reattach_options.reattachable`, and the server keeps the responses until
/// the client releases them. When the response stream ends before `result_complete` (a
/// dropped connection, or the server closing long streams on purpose), `ReattachExecute`
/// resumes after the last response read; `ReleaseExecute(release_all)` ends the operation,
/// whether it succeeded or failed. Retrying is safe here because every attempt names the
/// same operation: the server never runs the plan twice.
///
/// Unlike pyspark, responses are not released one by one while reading (`release_until`):
/// pyforge's plans return a handful of small responses (a write's status, one count).
extension SparkSession {
    private enum Attach {
        case execute, reattach
    }

    /// Streams that end cleanly without a new response before we give up: a server that
    /// keeps closing streams at once would otherwise keep us reattaching forever. Spark closes
    /// a reattachable stream after two minutes by default, so this is days of silent work.
    static let maximumIdleStreams = 2_000
    /// How often `ExecutePlan` is sent again because the server never received it.
    static let maximumRestarts = 3

    /// Runs `plan` and collects its results (Arrow batches for queries).
    public func execute(_ plan: SparkPlan) async throws(SparkConnectError) -> SparkExecution {
        let operationID = Self.newSessionID()
        do {
            let execution = try await executeReattaching(plan, operationID: operationID)
            await releaseExecution(operationID, retrying: true)
            return execution
        } catch {
            // A server we just gave up on gets one try, not another round of retries.
            await releaseExecution(operationID, retrying: !error.isUnreachable)
            throw error
        }
    }

    private func executeReattaching(_ plan: SparkPlan, operationID: String) async throws(SparkConnectError) -> SparkExecution {
        var execution = SparkExecution()
        var schedule = remote.retryPolicy.schedule()
        var next = Attach.execute
        var restarts = 0
        var idleStreams = 0
        while !execution.complete {
            let before = execution.responses
            let outcome: (SparkExecution, (any Error)?)
            switch next {
            case .execute:
                outcome = await stream("ExecutePlan", requests.executePlan(plan, reattachableAs: operationID), from: execution)
            case .reattach:
                let request = requests.reattachExecute(operationID: operationID, lastResponseID: execution.lastResponseID)
                outcome = await stream("ReattachExecute", request, from: execution)
            }
            execution = outcome.0
            let failure = outcome.1
            // The budget is per response, as in pyspark: progress earns a fresh one.
            if execution.responses > before {
                schedule = remote.retryPolicy.schedule()
                idleStreams = 0
            }
            guard let failure else {
                if execution.complete { break }
                idleStreams += 1
                guard idleStreams < Self.maximumIdleStreams else {
                    throw .protocolError(ProtobufError(problem: "the server ended \(idleStreams) response streams in a row without sending anything or completing"))
                }
                next = .reattach
                continue
            }
            guard let error = failure as? RPCError else {
                if let error = failure as? ProtobufError { throw .protocolError(error) }
                throw .rpc(code: "unknown", message: "\(failure)")
            }
            let lost = ["INVALID_HANDLE.OPERATION_NOT_FOUND", "INVALID_HANDLE.SESSION_NOT_FOUND"].contains { error.message.contains($0) }
            if next == .reattach, lost, execution.lastResponseID == nil, restarts < Self.maximumRestarts {
                // The first ExecutePlan never reached the server: send it again.
                restarts += 1
                next = .execute
                continue
            }
            if next == .execute, error.message.contains("INVALID_HANDLE.OPERATION_ALREADY_EXISTS"), restarts < Self.maximumRestarts {
                // It did reach the server after all: follow the running operation.
                restarts += 1
                next = .reattach
                continue
            }
            guard SparkRetryPolicy.isRetryable(error),
                let delay = schedule.nextDelay(serverDelay: SparkRetryPolicy.serverRetryDelay(in: error), random: { Double.random(in: 0...1) })
            else { throw SparkConnectError(error, remote: remote, after: schedule) }
            try await Self.pause(delay)
            next = .reattach
        }
        return execution
    }

    /// One ExecutePlan or ReattachExecute call: the responses it delivered folded into
    /// `execution`, and the error that ended it, if any (the partial result is kept so a
    /// reattach can resume after it).
    private func stream(_ method: String, _ request: [UInt8], from execution: SparkExecution) async -> (SparkExecution, (any Error)?) {
        var options = CallOptions.defaults
        options.waitForReady = false
        do {
            return try await client.serverStreaming(
                request: ClientRequest(message: request, metadata: metadata),
                descriptor: MethodDescriptor(fullyQualifiedService: Self.service, method: method),
                serializer: RawMessageSerializer(), deserializer: RawMessageDeserializer(), options: options
            ) { response in
                var execution = execution
                do {
                    for try await message in response.messages { try execution.absorb(message) }
                    return (execution, nil)
                } catch {
                    return (execution, error)
                }
            }
        } catch {
            return (execution, error)
        }
    }

    /// `ReleaseExecute(release_all)`: the server may forget the operation. Best effort and
    /// bounded (the server also expires abandoned operations).
    private func releaseExecution(_ operationID: String, retrying: Bool) async {
        let request = requests.releaseExecute(operationID: operationID)
        _ = try? await unary("ReleaseExecute", request, timeout: .seconds(3), policy: releasePolicy(retrying: retrying))
    }
}
