import GRPCCore
import Testing

@testable import SparkConnect

/// The retry schedule is pyspark's DefaultPolicy (retries.py) under a total bound; the
/// random jitter comes from an injected source, so every wait is exact.
@Suite struct SparkRetryPolicyTests {
    static func waits(_ policy: SparkRetryPolicy, random: Double = 0.5, serverDelay: Duration? = nil) -> [Duration] {
        var schedule = policy.schedule()
        var waits: [Duration] = []
        while let wait = schedule.nextDelay(serverDelay: serverDelay, random: { random }) { waits.append(wait) }
        return waits
    }

    // 50 ms × 4ⁿ; jitter (here half of 500 ms) only from 2 s on; the 30 s bound cuts the
    // sixth wait to what is left (30 − 17.05 − 0.5 s of jitter).
    @Test func defaultScheduleUnderTheDefaultBound() {
        #expect(Self.waits(SparkRetryPolicy()) == [
            .milliseconds(50), .milliseconds(200), .milliseconds(800), .milliseconds(3450), .milliseconds(13_050), .milliseconds(12_450),
        ])
    }

    // Without the bound it is pyspark's schedule: 15 retries, capped at 60 s each.
    @Test func pysparkScheduleWithoutTheBound() {
        var policy = SparkRetryPolicy()
        policy.maximumTotalWait = .seconds(3600)
        let waits = Self.waits(policy, random: 0)
        #expect(waits.count == 15)
        #expect(Array(waits.prefix(6)) == [.milliseconds(50), .milliseconds(200), .milliseconds(800), .milliseconds(3200), .milliseconds(12_800), .milliseconds(51_200)])
        #expect(waits.dropFirst(6).allSatisfy { $0 == .seconds(60) })
    }

    @Test func jitterFollowsTheRandomSource() {
        var policy = SparkRetryPolicy()
        policy.maximumTotalWait = .seconds(3600)
        #expect(Self.waits(policy, random: 1)[3] == .milliseconds(3700))
        #expect(Self.waits(policy, random: 0)[3] == .milliseconds(3200))
    }

    @Test func theServerDelayRaisesTheWaitWithinItsCap() {
        var policy = SparkRetryPolicy()
        policy.maximumTotalWait = .seconds(3600)
        policy.maximumServerRetryDelay = .seconds(5)
        let waits = Self.waits(policy, random: 0, serverDelay: .seconds(9))
        #expect(waits[0] == .seconds(5) && waits[5] == .milliseconds(51_200))
    }

    @Test func zeroTurnsRetriesOff() throws {
        #expect(Self.waits(try SparkRetryPolicy.fromEnvironment(["PYFORGE_SPARK_RETRY_MAX_SECONDS": "0"])).isEmpty)
        #expect(Self.waits(try SparkRetryPolicy.fromEnvironment(["PYFORGE_SPARK_MAX_RETRIES": "0"])).isEmpty)
        #expect(Self.waits(.never).isEmpty)
    }

    @Test func environmentOverrides() throws {
        let policy = try SparkRetryPolicy.fromEnvironment(["PYFORGE_SPARK_RETRY_MAX_SECONDS": "1.5", "PYFORGE_SPARK_MAX_RETRIES": "2"])
        #expect(policy.maximumTotalWait == .milliseconds(1500) && policy.maximumRetries == 2)
        #expect(Self.waits(policy) == [.milliseconds(50), .milliseconds(200)])
        #expect(try SparkRetryPolicy.fromEnvironment([:]) == SparkRetryPolicy())
    }

    @Test(arguments: [("PYFORGE_SPARK_RETRY_MAX_SECONDS", "-1"), ("PYFORGE_SPARK_RETRY_MAX_SECONDS", "soon"), ("PYFORGE_SPARK_MAX_RETRIES", "2.5"), ("PYFORGE_SPARK_MAX_RETRIES", "99999")])
    func badSettingsNameTheVariable(name: String, value: String) {
        #expect {
            try SparkRetryPolicy.fromEnvironment([name: value])
        } throws: { error in "\(error)".hasPrefix("\(name) is '\(value)'") && "\(error)".hasSuffix(").") }
    }

    @Test func whichErrorsAreRetried() {
        #expect(SparkRetryPolicy.isRetryable(RPCError(code: .unavailable, message: "connection refused")))
        #expect(SparkRetryPolicy.isRetryable(RPCError(code: .internalError, message: "[INVALID_CURSOR.DISCONNECTED] gone")))
        #expect(!SparkRetryPolicy.isRetryable(RPCError(code: .internalError, message: "[PATH_NOT_FOUND] Path does not exist")))
        #expect(!SparkRetryPolicy.isRetryable(RPCError(code: .unauthenticated, message: "Invalid authentication token")))
        #expect(!SparkRetryPolicy.isRetryable(RPCError(code: .deadlineExceeded, message: "late")))
    }

    /// google.rpc.Status { code 8, details [Any { RetryInfo { retry_delay { seconds 2, nanos 5e8 } } }] }.
    static func statusWithRetryInfo() -> [UInt8] {
        var duration = ProtobufWriter()
        duration.int(1, 2)
        duration.int(2, 500_000_000)
        var info = ProtobufWriter()
        info.bytes(1, duration.bytes)
        var any = ProtobufWriter()
        any.string(1, SparkRetryPolicy.retryInfoType)
        any.bytes(2, info.bytes)
        var status = ProtobufWriter()
        status.int(1, 8)
        status.string(2, "slow down")
        status.bytes(3, any.bytes)
        return status.bytes
    }

    @Test func retryInfoMakesAnyErrorRetryableWithItsDelay() {
        var metadata = Metadata()
        metadata.addBinary(Self.statusWithRetryInfo(), forKey: "grpc-status-details-bin")
        let error = RPCError(code: .resourceExhausted, message: "slow down", metadata: metadata)
        #expect(SparkRetryPolicy.isRetryable(error))
        #expect(SparkRetryPolicy.serverRetryDelay(in: error) == .milliseconds(2500))
        #expect(SparkRetryPolicy.serverRetryDelay(in: RPCError(code: .resourceExhausted, message: "x")) == nil)
    }

    @Test func aDamagedStatusDetailIsIgnored() throws {
        #expect(throws: ProtobufError.self) { try SparkRetryPolicy.retryDelay(inStatus: [0x1A, 0x7F, 0x01]) }
        var metadata = Metadata()
        metadata.addBinary([0x1A, 0x7F, 0x01], forKey: "grpc-status-details-bin")
        #expect(!SparkRetryPolicy.isRetryable(RPCError(code: .aborted, message: "x", metadata: metadata)))
    }
}
