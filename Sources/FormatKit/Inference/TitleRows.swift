/// Report-style files (exports from accounting tools, Excel reports saved as CSV) put a
/// title and a few notes above the real header. Read naively, the title becomes the
/// header and every column a string. This rule finds such rows, for CSV and Excel alike,
/// only where the evidence is clear; otherwise nothing is skipped (`--skip-rows N` says it
/// explicitly, `--skip-rows 0` turns the rule off).
///
/// The first `k` rows (1 ≤ k ≤ `maxTitleRows`) are titles when:
/// - each of them is sparse next to the header: at most one filled cell, or fewer than half
///   as many filled cells as the header; and its first filled cell is text (a number or a
///   date on top is data, not a title);
/// - row `k` looks like a header: at least two filled cells, all of them text;
/// - at least one row follows it, and most of the (up to `dataRowsChecked`) rows after it
///   have the header's shape: at least half as many filled cells as the header, and no
///   more (a "header" narrower than the data under it is a note).
public enum TitleRows {
    /// What the rule needs to know of a row.
    public struct Row: Equatable, Sendable {
        /// Non-empty cells.
        public var filled: Int
        /// The first non-empty cell is text (not a number, date or boolean); true for an empty row.
        public var startsWithText: Bool
        /// Every non-empty cell is text.
        public var allText: Bool

        public init(filled: Int, startsWithText: Bool, allText: Bool) {
            (self.filled, self.startsWithText, self.allText) = (filled, startsWithText, allText)
        }
    }

    static let maxTitleRows = 10
    static let dataRowsChecked = 20
    /// Rows a caller should summarize: the titles, the header and the data rows checked.
    public static let rowsNeeded = maxTitleRows + 1 + dataRowsChecked

    /// How many leading rows are titles (0 when the evidence is not clear).
    public static func count(_ rows: [Row]) -> Int {
        for k in 1...maxTitleRows where k + 1 < rows.count {
            let header = rows[k]
            guard header.filled >= 2 && header.allText else { continue }
            let titles = rows[0..<k]
            guard titles.allSatisfy({ $0.startsWithText && ($0.filled <= 1 || $0.filled * 2 < header.filled) }) else {
                // A wide or typed row above: the rows above any later header are not all titles either.
                return 0
            }
            let data = rows[(k + 1)...].prefix(dataRowsChecked)
            let wide = data.filter { $0.filled * 2 >= header.filled && $0.filled <= header.filled }.count
            if wide * 2 > data.count { return k }
        }
        return 0
    }

    /// The note that says what was skipped; `header` is where the header is ("line 4"),
    /// `skipRows` the `--skip-rows` value that does the same.
    public static func note(rows: Int, titles: [String], header: String, skipRows: Int) -> String {
        let shown = titles.prefix(3).map { "'\($0.count > 40 ? String($0.prefix(37)) + "..." : $0)'" }.joined(separator: ", ")
        return "Skipped \(rows) title row(s) above the header on \(header)\(shown.isEmpty ? "" : " (\(shown))"), "
            + "as --skip-rows \(skipRows) would; pass --skip-rows 0 to read them as data."
    }
}
