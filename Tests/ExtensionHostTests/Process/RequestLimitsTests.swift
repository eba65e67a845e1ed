@testable import ExtensionHost
import ExtensionProtocol
import Testing

/// The clocks a pending request is measured by (SPEC §11.2): idle since the last sign of
/// life, stall since the last progress that advanced, absolute since it was sent.
@Suite struct RequestLimitsTests {
    static let limits = RequestLimits(idle: 10, absolute: 100, stall: 20)

    static func progress(_ done: Double, token: String = "t") -> ProgressParams {
        ProgressParams(token: token, done: done)
    }

    @Test func silenceExpiresTheIdleLimit() {
        let liveness = Liveness(now: 0)
        #expect(Self.limits.expired(by: liveness, started: 0, now: 9.9) == nil)
        #expect(Self.limits.expired(by: liveness, started: 0, now: 10.1)?.0 == 10)
    }

    @Test func repeatedProgressKeepsItAliveOnlyUntilTheStallLimit() {
        var liveness = Liveness(now: 0)
        liveness.progressed(Self.progress(5), now: 1)
        var now = 1.0
        while now < 21 {
            now += 5
            liveness.progressed(Self.progress(5), now: now)  // the same `done` again
            if now - 1 <= 20 { #expect(Self.limits.expired(by: liveness, started: 0, now: now) == nil) }
        }
        let expired = Self.limits.expired(by: liveness, started: 0, now: now + 0.5)
        #expect(expired?.0 == 20 && expired?.1 == " (its progress stood still)")
    }

    @Test func onlyAHigherDoneIsAnAdvance() {
        var liveness = Liveness(now: 0)
        liveness.progressed(Self.progress(5), now: 1)
        liveness.progressed(Self.progress(4), now: 15)  // going back is not progress
        liveness.progressed(Self.progress(5), now: 19)
        #expect(Self.limits.expired(by: liveness, started: 0, now: 21.5)?.0 == 20)
        liveness.progressed(Self.progress(6), now: 21)
        #expect(Self.limits.expired(by: liveness, started: 0, now: 21.5) == nil)
        liveness.progressed(Self.progress(.nan), now: 40)  // a sign of life, not an advance
        #expect(Self.limits.expired(by: liveness, started: 0, now: 41.5)?.0 == 20)
    }

    @Test func advancingProgressStillEndsAtTheAbsoluteLimit() {
        var liveness = Liveness(now: 0)
        for second in stride(from: 1.0, through: 101, by: 1) { liveness.progressed(Self.progress(second), now: second) }
        #expect(Self.limits.expired(by: liveness, started: 0, now: 100.5)?.0 == 100)
    }

    @Test func theAbsoluteLimitScalesWithTheInput() {
        #expect(RequestLimits.derivedAbsolute(inputBytes: 1, estimatedSeconds: nil) == 60 + 4.0 / Double(1 << 20))
        #expect(RequestLimits.derivedAbsolute(inputBytes: 0, estimatedSeconds: nil) == 3600)
        #expect(RequestLimits.derivedAbsolute(inputBytes: 100 << 20, estimatedSeconds: nil) == 460)
        #expect(RequestLimits.derivedAbsolute(inputBytes: nil, estimatedSeconds: nil) == 3600)
        #expect(RequestLimits.derivedAbsolute(inputBytes: Int64.max, estimatedSeconds: nil) == 6 * 3600)
        // The extension's own estimate can only raise it.
        #expect(RequestLimits.derivedAbsolute(inputBytes: 1 << 20, estimatedSeconds: 600) == 1260)
        #expect(RequestLimits.derivedAbsolute(inputBytes: 100 << 20, estimatedSeconds: 1) == 460)
        #expect(RequestLimits.derivedAbsolute(inputBytes: 10, estimatedSeconds: .infinity) < 61)
        #expect(RequestLimits.derivedAbsolute(inputBytes: 10, estimatedSeconds: 1e300) == 6 * 3600)
    }

    @Test func theManifestOverridesTheDefaults() {
        var timeouts = ExtensionManifest.Timeouts()
        timeouts.idle = 3600
        timeouts.absolute = 21600
        let limits = RequestLimits.convert(manifest: timeouts, inputBytes: 10, estimatedSeconds: nil)
        #expect(limits == RequestLimits(idle: 3600, absolute: 21600, stall: 7200, cancelGrace: 1))
        let defaults = RequestLimits.convert(manifest: nil, inputBytes: 10, estimatedSeconds: nil)
        #expect(defaults.idle == 15 && defaults.stall == 30 && defaults.cancelGrace == 1)
    }
}
