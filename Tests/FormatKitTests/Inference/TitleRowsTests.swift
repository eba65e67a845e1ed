import Testing
@testable import FormatKit

private func row(_ filled: Int, text: Bool = true) -> TitleRows.Row {
    TitleRows.Row(filled: filled, startsWithText: text, allText: text)
}

private let data = TitleRows.Row(filled: 4, startsWithText: true, allText: false)

@Suite struct TitleRowsTests {
    @Test func titleAndNotesAboveAHeader() {
        #expect(TitleRows.count([row(1), row(1), row(4), data, data]) == 2)
        // A note with two cells is still sparse next to a six-column header.
        #expect(TitleRows.count([row(1), row(2), row(6), data, data]) == 2)
        // An empty row (",,,," in a CSV) between them.
        #expect(TitleRows.count([row(1), row(0), row(4), data]) == 2)
    }

    @Test func ordinaryFilesAreLeftAlone() {
        #expect(TitleRows.count([row(4), data, data]) == 0)  // the header is first
        #expect(TitleRows.count([data, data, data]) == 0)  // no header
        #expect(TitleRows.count([row(1), row(1), row(1)]) == 0)  // one column
    }

    @Test func theEvidenceMustBeClear() {
        // A number on top is data, not a title.
        #expect(TitleRows.count([row(1, text: false), row(4), data]) == 0)
        // A wide row above the "header" is not a title.
        #expect(TitleRows.count([row(3), row(4), data]) == 0)
        // A header needs at least one row under it, and most rows under it as wide.
        #expect(TitleRows.count([row(1), row(4)]) == 0)
        let sparse = TitleRows.Row(filled: 1, startsWithText: false, allText: false)
        #expect(TitleRows.count([row(1), row(4), sparse, sparse, data]) == 0)
        // More leading rows than `maxTitleRows` are not titles.
        #expect(TitleRows.count(Array(repeating: row(1), count: TitleRows.maxTitleRows + 1) + [row(4), data]) == 0)
        #expect(TitleRows.count(Array(repeating: row(1), count: TitleRows.maxTitleRows) + [row(4), data]) == TitleRows.maxTitleRows)
    }

    @Test func theNoteSaysWhatWasSkipped() {
        let note = TitleRows.note(rows: 2, titles: ["Sales report", String(repeating: "x", count: 60)], header: "line 4", skipRows: 3)
        #expect(note.contains("2 title row(s)") && note.contains("line 4") && note.contains("'Sales report'"))
        #expect(note.contains("--skip-rows 3") && note.contains("--skip-rows 0") && note.contains("..."))
    }
}
