import Foundation
import Testing

@testable import Pipeline
@testable import FormatKit

@Suite struct WorkerDeathTests {
    @Test func aCrashNamesTheFileAndTheSignal() {
        let message = WorkerDeath.error(input: "data/a.csv", signal: 11, oomKillsBefore: nil).description
        #expect(message.hasPrefix("Converting 'data/a.csv' crashed (SIGSEGV); no output was written for it."))
    }

    @Test func aKillWithoutAnOutOfMemoryKillIsNotCalledOne() {
        let message = WorkerDeath.error(input: "a.csv", signal: 9, oomKillsBefore: Int.max).description
        #expect(message.contains("crashed (SIGKILL)"))
    }

    @Test func aKillNoCgroupCanExplainIsLikelyTheOutOfMemoryKiller() {
        let message = WorkerDeath.error(input: "a.csv", signal: 9, oomKillsBefore: nil).description
        #expect(message.hasPrefix("Converting 'a.csv' was killed (SIGKILL), most likely by the kernel's out-of-memory killer"))
    }

    @Test func aWorkerThatMetTheBackstopRanOutOfItsBudget() {
        let message = WorkerDeath.error(input: "a.csv", exitStatus: MemoryBackstop.exhaustedStatus).description
        #expect(message.hasPrefix("Converting 'a.csv' ran out of its memory budget: an allocation failed"))
        #expect(message.contains("--max-memory") && message.hasSuffix("."))
    }

    @Test func aWorkerOutcomeRoundTripsItsError() throws {
        let outcome = WorkerOutcome(error: .malformedInput(path: "a.csv", location: "line 2", reason: "r", fix: "f"))
        let data = try JSONEncoder().encode(outcome)
        #expect(try JSONDecoder().decode(WorkerOutcome.self, from: data).error == outcome.error)
    }
}
