/// The last lines an extension wrote on stderr, kept for the report of its failure.
/// Bounded: `keptLines` lines of at most `keptLineCharacters` characters each.
struct StderrTail {
    /// Longer lines are dropped by the reader (SPEC §2.1).
    static let readLimit = 64 << 10
    static let keptLines = 40
    static let keptLineCharacters = 1000
    /// How long a crash report waits for stderr to reach its end: a grandchild may hold it open.
    static let drainSeconds = 1.0

    private(set) var lines: [String] = []

    mutating func append(_ line: String) {
        lines.append(line.count > Self.keptLineCharacters ? String(line.prefix(Self.keptLineCharacters)) + "…" : line)
        if lines.count > Self.keptLines { lines.removeFirst() }
    }

    /// Shown in a crash report: the last lines, up to `summaryLines` lines and
    /// `summaryCharacters` characters, oldest first.
    static let summaryLines = 10
    static let summaryCharacters = 2000

    static func summary(_ lines: [String]) -> String {
        var shown: [String] = []
        var characters = 0
        for line in lines.suffix(summaryLines).reversed() where !line.isEmpty {
            characters += line.count + 3
            if characters > summaryCharacters && !shown.isEmpty { break }
            shown.insert(line, at: 0)
        }
        return shown.joined(separator: " | ")
    }
}
