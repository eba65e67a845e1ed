import FormatKit

/// Excel workbooks as pyforge's registry knows them: one part (and output) per sheet with data.
public struct ExcelFormatSupport: FormatSupport {
    public init() {}

    public var name: String { "xlsx" }
    public var displayName: String { "Excel" }
    public var title: String { "Excel workbook (.xlsx, .xlsm)" }
    public var extensions: [String] { [".xlsx", ".xlsm"] }
    public var content: FormatContent { .table }

    public func inspect(path: String, options: ExcelOptions) throws(ConversionError) -> FileInfo {
        try ExcelInspector.info(path: path, options: options)
    }

    /// The sheets `--sheets` selects, or those with data, with the workbook opened to list
    /// them: every sheet of the conversion is read from it.
    public func parts(path: String, options: ExcelOptions) throws(ConversionError) -> FormatParts? {
        let workbook = try ExcelWorkbook(path: path, limits: options.limits)
        let selected = try ExcelSelection.sheets(workbook, options)
        return FormatParts(names: selected.map { workbook.sheets[$0].name }, positions: selected, opened: workbook)
    }

    /// The sheet (or combined sheets) a single output reads, from the workbook `parts` opened
    /// when it was opened with the same limits.
    public func open(_ input: FormatInput, options: ExcelOptions) throws(ConversionError) -> TableSource {
        let opened = (input.opened as? ExcelWorkbook).flatMap { $0.limits == options.limits ? $0 : nil }
        return try ExcelSource.single(path: input.path, options: options, workbook: opened)
    }
}
