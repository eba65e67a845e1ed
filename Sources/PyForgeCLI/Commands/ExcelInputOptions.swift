import ArgumentParser
import PyForgeCore

/// How an Excel workbook is read (sheets, stacking).
struct ExcelInputOptions: ParsableArguments {
    @Option(help: "Comma-separated sheet names or 1-based positions to convert (default: every sheet with data).")
    var sheets: String?

    @Flag(help: "Stack the selected sheets (same columns) into one output with a 'sheet' column.")
    var combine = false

    @Flag(help: "The first non-empty row holds column names even when it does not look like a header.")
    var header = false

    func validate() throws {
        if let sheets, sheets.split(separator: ",").allSatisfy({ String($0).trimmingCharacters(in: " ").isEmpty }) {
            throw ValidationError("--sheets needs at least one sheet name or 1-based position.")
        }
    }

    func excelOptions(allStrings: Bool, noHeader: Bool) -> ExcelOptions {
        let selected = sheets.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty } } ?? []
        return ExcelOptions(sheets: selected, combine: combine, hasHeader: noHeader ? false : (header ? true : nil), allStrings: allStrings)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
