@testable import ExtensionHost
import Testing

/// What of an extension's stderr a crash report shows.
@Suite struct StderrTailTests {
    @Test func theTailKeepsTheLastFortyLinesEachBounded() {
        var tail = StderrTail()
        for n in 1...50 { tail.append("line \(n)") }
        tail.append(String(repeating: "x", count: 5000))
        #expect(tail.lines.count == 40)
        #expect(tail.lines.first == "line 12")
        #expect(tail.lines.last == String(repeating: "x", count: 1000) + "…")
    }

    @Test func theSummaryShowsUpToTenLinesOldestFirst() {
        let lines = (1...12).map { "step \($0)" }
        #expect(StderrTail.summary(lines) == (3...12).map { "step \($0)" }.joined(separator: " | "))
        #expect(StderrTail.summary(["a", "", "b"]) == "a | b")
        #expect(StderrTail.summary([]) == "")
    }

    @Test func theSummaryIsBoundedInCharacters() {
        let long = (1...10).map { "\($0) " + String(repeating: "y", count: 500) }
        let summary = StderrTail.summary(long)
        #expect(summary.count <= StderrTail.summaryCharacters)
        #expect(summary.hasPrefix("8 ") && summary.hasSuffix("y"))
    }
}
