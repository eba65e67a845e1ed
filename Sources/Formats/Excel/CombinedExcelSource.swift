import Columnar
import FormatKit

/// Several sheets with the same columns stacked into one table, with a `sheet` column
/// naming where each row came from (`--combine`).
final class CombinedExcelSource: TableSource {
    let path: String
    var formatName: String { "xlsx" }
    let workbook: ExcelWorkbook
    let sheets: [Int]
    let options: ExcelOptions

    init(workbook: ExcelWorkbook, sheets: [Int], options: ExcelOptions) throws(ConversionError) {
        path = workbook.path
        self.workbook = workbook
        self.sheets = sheets
        self.options = options
    }

    func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        try CombinedExcelReader(source: self, schema: schema, progress: progress)
    }

    /// The columns every selected sheet must share, with types joined across sheets
    /// (from each sheet's first rows, or from all rows when `scanAll`).
    func joinedSchema(scanAll: Bool) throws(ConversionError) -> Schema {
        var fields: [Field]? = nil
        var firstName = ""
        for index in sheets {
            let reader = try ExcelReader(workbook: workbook, sheet: workbook.sheets[index], options: options, schema: nil, progress: nil)
            let schema = scanAll ? try reader.scanToEnd().1 : reader.schema
            guard let known = fields else {
                fields = schema.fields
                firstName = reader.sheet.name
                continue
            }
            guard known.map(\.name) == schema.fields.map(\.name) else {
                throw .invalidOption("--combine needs sheets with the same columns, but sheet '\(reader.sheet.name)' of '\(path)' has columns (\(schema.fields.map(\.name).joined(separator: ", "))) and sheet '\(firstName)' has (\(known.map(\.name).joined(separator: ", "))). Select matching sheets with --sheets, or convert without --combine.")
            }
            fields = zip(known, schema.fields).map { a, b in
                Field(name: a.name, type: ExcelCellType(override: a.type).join(ExcelCellType(override: b.type)).dataType)
            }
        }
        let data = fields ?? []
        var sheetColumn = "sheet"
        while data.contains(where: { $0.name == sheetColumn }) { sheetColumn = "_" + sheetColumn }
        return Schema(data + [Field(name: sheetColumn, type: .string)])
    }
}

final class CombinedExcelReader: TableReader {
    let schema: Schema
    private let source: CombinedExcelSource
    private let dataSchema: Schema
    private let progress: ProgressCounter?
    private var position = 0
    private var current: TableReader?
    private(set) var warnings: [String] = []

    init(source: CombinedExcelSource, schema override: Schema?, progress: ProgressCounter?) throws(ConversionError) {
        self.source = source
        self.progress = progress
        if let override { schema = override } else { schema = try source.joinedSchema(scanAll: false) }
        dataSchema = Schema(Array(schema.fields.dropLast()))
    }

    var details: [(String, String)] {
        [("sheets", source.sheets.map { source.workbook.sheets[$0].name }.joined(separator: ", ")), ("combined", "yes")]
    }

    func next() throws(ConversionError) -> ReadStep {
        while position < source.sheets.count {
            let reader: TableReader
            if let current {
                reader = current
            } else {
                reader = try ExcelReader(
                    workbook: source.workbook, sheet: source.workbook.sheets[source.sheets[position]], options: source.options,
                    schema: dataSchema, progress: progress)
                current = reader
            }
            switch try reader.next() {
            case .batch(let batch):
                let name = source.workbook.sheets[source.sheets[position]].name
                var names = ByteArrays()
                names.reserve(values: batch.rowCount, bytes: batch.rowCount * name.utf8.count)
                for _ in 0..<batch.rowCount { names.append(name) }
                return .batch(try RecordBatch.assembled(
                    schema, batch.columns + [Column(.bytes(names))], path: source.path, location: "sheet '\(name)'"))
            case .restart(_, let reason):
                // Types from every row of every sheet, so one restart is enough.
                return .restart(try source.joinedSchema(scanAll: true), reason: reason)
            case .end:
                warnings += reader.warnings
                current = nil
                position += 1
            }
        }
        return .end
    }
}
