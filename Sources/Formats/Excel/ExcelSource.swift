import Columnar
import FormatKit

/// One worksheet of a workbook as a table source. The workbook (directory, styles,
/// shared strings) is opened once and reused when a restart reopens the sheet.
public final class ExcelSource: TableSource {
    public let path: String
    public var formatName: String { "xlsx" }
    let options: ExcelOptions
    let workbook: ExcelWorkbook
    let sheetIndex: Int

    init(workbook: ExcelWorkbook, sheetIndex: Int, options: ExcelOptions) {
        path = workbook.path
        self.workbook = workbook
        self.sheetIndex = sheetIndex
        self.options = options
    }

    public var sheetName: String { workbook.sheets[sheetIndex].name }

    public func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        try ExcelReader(workbook: workbook, sheet: workbook.sheets[sheetIndex], options: options, schema: schema, progress: progress)
    }

    /// Opens the workbook at `path` and picks the sheet a single-output conversion reads:
    /// the one `--sheets` names, else the first sheet with data (else the first sheet).
    /// `opened`: the workbook the front door opened to list the sheets (`OpenedInput`).
    package static func single(path: String, options: ExcelOptions, workbook opened: ExcelWorkbook?) throws(ConversionError) -> TableSource {
        let workbook: ExcelWorkbook
        if let opened {
            workbook = opened
        } else {
            workbook = try ExcelWorkbook(path: path, limits: options.limits)
        }
        let selected = try ExcelSelection.sheets(workbook, options)
        if options.combine && !selected.isEmpty {
            return try CombinedExcelSource(workbook: workbook, sheets: selected, options: options)
        }
        guard let index = selected.first ?? workbook.sheets.indices.first else {
            throw .malformedInput(path: path, location: "xl/workbook.xml", reason: "the workbook has no worksheets",
                                  fix: "add a worksheet, or check that this is the right file")
        }
        return ExcelSource(workbook: workbook, sheetIndex: index, options: options)
    }
}

/// Which sheets a conversion reads.
package enum ExcelSelection {
    /// The sheets `--sheets` names (in the order given), or every sheet holding data.
    package static func sheets(_ workbook: ExcelWorkbook, _ options: ExcelOptions) throws(ConversionError) -> [Int] {
        if let position = options.sheetPosition { return [position] }
        if options.sheets.isEmpty {
            var withData: [Int] = []
            for index in workbook.sheets.indices where try hasData(workbook, index) { withData.append(index) }
            return withData
        }
        var result: [Int] = []
        for selector in options.sheets {
            guard let index = workbook.sheetIndex(selector) else {
                let names = workbook.sheets.map { "'\($0.name)'" }.joined(separator: ", ")
                throw .invalidOption("'\(workbook.path)' has no sheet '\(selector)'. Its sheets are \(names.isEmpty ? "(none)" : names); pass names or 1-based positions to --sheets.")
            }
            if !result.contains(index) { result.append(index) }
        }
        return result
    }

    /// Whether a sheet has at least one cell with a value (reads only up to that cell).
    static func hasData(_ workbook: ExcelWorkbook, _ index: Int) throws(ConversionError) -> Bool {
        let handler = SheetHandler(batchRows: 1, dateStyles: [], sharedStringCount: Int.max, dateSystem: workbook.dateSystem)
        handler.stopAtFirstValue = true
        let parser = try ExcelXMLParser(workbook.openEntry(workbook.sheets[index].entry), path: workbook.path, handler: handler)
        while try parser.step() {}
        if let error = handler.malformedError(path: workbook.path, sheet: workbook.sheets[index].name) { throw error }
        return handler.sawValue
    }
}
