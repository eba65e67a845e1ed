import ArgumentParser
import Pipeline

/// How an Excel workbook is read (sheets, stacking).
struct ExcelInputOptions: ConvertOptionGroup {
    @Option(help: "Comma-separated sheet names or 1-based positions to convert (default: every sheet with data).")
    var sheets: OptionList?

    @Flag(help: "Stack the selected sheets (same columns) into one output with a 'sheet' column.")
    var combine = false

    // PyForge 1.x's --separate: one output per sheet, which is what happens without --combine.
    @Flag(help: "One output per sheet (the default; accepted for PyForge 1.x scripts). Cannot be combined with --combine.")
    var separate = false

    @Flag(help: "The first non-empty row holds column names even when it does not look like a header.")
    var header = false

    func fill(_ options: inout ConvertOptions) {
        options.sheets = sheets
        options.combine = combine
        options.separate = separate
        options.header = header
    }
}
