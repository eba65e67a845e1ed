import ArgumentParser
import PyForgeCore

/// How an Excel workbook is read (sheets, stacking).
struct ExcelInputOptions: ParsableArguments {
    @Option(help: "Comma-separated sheet names or 1-based positions to convert (default: every sheet with data).")
    var sheets: String?

    @Flag(help: "Stack the selected sheets (same columns) into one output with a 'sheet' column.")
    var combine = false

    // PyForge 1.x's --separate: one output per sheet, which is what happens without --combine.
    @Flag(help: "One output per sheet (the default; accepted for PyForge 1.x scripts). Cannot be combined with --combine.")
    var separate = false

    @Flag(help: "The first non-empty row holds column names even when it does not look like a header.")
    var header = false

    var given: [ConvertOption] {
        [(sheets != nil, ConvertOption.sheets), (combine, .combine), (separate, .separate), (header, .header)].compactMap { $0.0 ? $0.1 : nil }
    }

    func validate() throws {
        if combine && separate {
            throw ValidationError("--combine stacks the sheets into one output and --separate writes one output per sheet; pass one of them.")
        }
        if let sheets, sheets.split(separator: ",").allSatisfy({ String($0).trimmingCharacters(in: " ").isEmpty }) {
            throw ValidationError("--sheets needs at least one sheet name or 1-based position.")
        }
    }

    func excelOptions(allStrings: Bool, noHeader: Bool, skipRows: Int?) -> ExcelOptions {
        let selected = sheets.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty } } ?? []
        return ExcelOptions(
            sheets: selected, combine: combine, hasHeader: noHeader ? false : (header ? true : nil), allStrings: allStrings, skipRows: skipRows)
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
