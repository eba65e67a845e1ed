import Platform
import FormatKit
/// `info` and `validate` for workbooks: every worksheet with its dimension, rows and columns.
package enum ExcelInspector {
    package static func info(path: String, options: ExcelOptions) throws(ConversionError) -> FileInfo {
        let workbook = try ExcelWorkbook(path: path, limits: options.limits)
        var sheets: [FileInfo.Sheet] = []
        var warnings: [String] = []
        // Every sheet, or the ones --sheets selects (as the conversion would read them).
        let selected = options.sheets.isEmpty ? Array(workbook.sheets.indices) : try ExcelSelection.sheets(workbook, options)
        for index in selected {
            let sheet = workbook.sheets[index]
            let reader = try ExcelReader(workbook: workbook, sheet: sheet, options: options, schema: nil, progress: nil)
            let (rows, schema) = try reader.scanToEnd()
            let details = Dictionary(reader.details, uniquingKeysWith: { a, _ in a })
            sheets.append(FileInfo.Sheet(
                index: index + 1, name: sheet.name, hidden: sheet.hidden, dimension: details["dimension"], rows: rows,
                header: reader.hasHeader,
                columns: schema.fields.map { FileInfo.Column(name: $0.name, type: $0.type.name, nullable: $0.nullable) }))
            warnings += reader.warnings.filter { !$0.contains("is empty") }
        }
        let main = sheets.first { $0.rows > 0 } ?? sheets.first
        return FileInfo(
            path: path, format: "xlsx", sizeBytes: fileSize(path), rows: sheets.reduce(0) { $0 + $1.rows },
            columns: main?.columns ?? [],
            details: ["sheets": String(sheets.count), "date_system": workbook.dateSystem == .excel1904 ? "1904" : "1900"],
            rowGroups: nil, warnings: warnings, sheets: sheets)
    }
}
