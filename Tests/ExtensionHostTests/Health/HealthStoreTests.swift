@testable import ExtensionHost
import ExtensionProtocol
import Testing

/// What counts toward the circuit breaker (SPEC §12.5).
@Suite struct HealthStoreTests {
    static func store() -> HealthStore {
        HealthStore(environment: ["XDG_CACHE_HOME": "/nonexistent/pyforge-health-tests"])
    }

    @Test func versionMismatchesAndDeclinesDoNotCount() {
        let health = Self.store()
        for _ in 0..<5 {
            health.recordFailure("x", .versionMismatch("upgrade it"), now: 1000)
            health.recordFailure("x", .declined("not mine"), now: 1000)
        }
        #expect(health.health("x").consecutiveFailures == 0)
        #expect(health.coolingDown("x", now: 1001) == nil)
    }

    @Test func threeCrashesOpenTheCircuitAndKeepTheirStderr() {
        let health = Self.store()
        for _ in 0..<3 { health.recordFailure("x", .crashed(exit: "exited with status 3", stderrTail: ["a", "b", "c"]), now: 1000) }
        #expect(health.health("x").crashes == 3)
        #expect(health.health("x").lastStderr == ["a", "b", "c"])
        #expect(health.coolingDown("x", now: 1001) == 1000 + HealthStore.coolDownSeconds)
    }
}
