import FormatKit
import Pipeline

extension Console {
    /// `info` for a workbook: the file, then each sheet with its dimension and columns.
    func printWorkbookInfo(_ info: FileInfo, _ sheets: [FileInfo.Sheet]) {
        var lines: [String] = []
        lines.append("File:     \(info.path)")
        lines.append("Format:   \(info.format)")
        lines.append("Size:     \(Formatting.bytes(info.sizeBytes)) (\(Formatting.grouped(Int(info.sizeBytes))) bytes)")
        lines.append("Dates:    \(info.details["date_system"] ?? "1900") date system")
        lines.append("Sheets:   \(sheets.count)")
        for sheet in sheets {
            lines.append("")
            let dimension = sheet.dimension.map { ", dimension \($0)" } ?? ""
            lines.append("Sheet \(sheet.index): '\(sheet.name)'\(sheet.hidden ? " (hidden)" : "")\(dimension): \(Formatting.grouped(sheet.rows)) rows, \(sheet.columns.count) columns, header \(sheet.header ? "yes" : "no")")
            if sheet.columns.isEmpty { continue }
            let table = TextTable(headers: ["#", "Column", "Type", "Nullable"])
            for (i, column) in sheet.columns.enumerated() {
                table.add([String(i + 1), column.name, column.type, column.nullable ? "yes" : "no"])
            }
            lines.append(table.render(indent: "  "))
        }
        print(lines.joined(separator: "\n"))
        for warning in info.warnings { self.warning(warning) }
    }
}
