@testable import ExcelFormat
import FormatKit

/// XLSX: the ZIP directory and entry reader (stored and deflated entries, the inflate
/// budget), the workbook parts, shared strings, styles and the sheet XML handlers; every
/// sheet is read, as a many-output conversion does.
enum ExcelFuzz {
    static func run(_ bytes: [UInt8]) {
        let path = ScratchFile.write(bytes, named: "input.xlsx")
        defer { ScratchFile.remove("input.xlsx") }
        let options = ExcelOptions(allStrings: bytes.count % 2 == 1)
        do throws(ConversionError) {
            let workbook = try ExcelWorkbook(path: path, limits: options.limits)
            for index in workbook.sheets.indices.prefix(4) {
                TableDrain.drain { () throws(ConversionError) in
                    ExcelSource(workbook: workbook, sheetIndex: index, options: options)
                }
            }
        } catch {
            _ = error.description
        }
    }
}
