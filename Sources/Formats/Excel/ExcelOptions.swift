/// How an Excel workbook is read.
public struct ExcelOptions: Sendable, Equatable {
    /// Sheets to read, by name or 1-based position; empty = every non-empty sheet.
    public var sheets: [String]
    /// Stack the selected sheets (same columns) into one output with a `sheet` column.
    public var combine: Bool
    /// nil = sniffed: the first non-empty row is the header when all its cells are text.
    public var hasHeader: Bool?
    public var allStrings: Bool
    /// Sheet rows 1...N are dropped (`--skip-rows`); nil: title rows above the header are detected (`TitleRows`).
    public var skipRows: Int?
    public var limits: ZipLimits
    /// A sheet chosen by 0-based position (set per sheet when a workbook converts to many outputs).
    public var sheetPosition: Int?

    public init(
        sheets: [String] = [], combine: Bool = false, hasHeader: Bool? = nil, allStrings: Bool = false, skipRows: Int? = nil,
        limits: ZipLimits = ZipLimits()
    ) {
        self.sheets = sheets
        self.combine = combine
        self.hasHeader = hasHeader
        self.allStrings = allStrings
        self.skipRows = skipRows
        self.limits = limits
    }
}
