import Columnar
import Values
import FormatKit

/// Streams one worksheet as typed record batches. Types are inferred from the first
/// batch of rows; a later cell that needs a wider type (or a column beyond the first
/// batch's width) makes the reader scan the rest of the sheet and ask for one restart.
final class ExcelReader: TableReader {
    static let batchRows = 65_536

    let path: String
    let sheet: ExcelWorkbook.Sheet
    private(set) var schema: Schema
    private(set) var warnings: [String] = []
    private let options: ExcelOptions
    private let system: ExcelDateSystem
    private let strings: ByteArrays
    private let entry: PrefetchingEntryReader
    private let handler: SheetHandler
    private let parser: ExcelXMLParser
    private let progress: ProgressCounter?
    private let progressBase: Int64
    private var types: [ExcelCellType]
    private var names: [String]
    /// The rule that keeps `names` distinct, and the renames it made (for a warning).
    private var columnNames = ColumnNames()
    private(set) var hasHeader = false
    /// Title rows detected above the header at the top of the first batch (`TitleRows`).
    private(set) var titleRows = 0
    private var titles: [String] = []
    private var headerRowNumber = 0
    private var pending: CellBatch?
    private var pendingIsFirst = false
    private(set) var rowsRead = 0

    init(workbook: ExcelWorkbook, sheet: ExcelWorkbook.Sheet, options: ExcelOptions, schema override: Schema?, progress: ProgressCounter?) throws(ConversionError) {
        path = workbook.path
        self.sheet = sheet
        self.options = options
        self.progress = progress
        system = workbook.dateSystem
        strings = try workbook.sharedStrings()
        let styles = try workbook.dateStyles()
        entry = PrefetchingEntryReader(try workbook.openEntry(sheet.entry))
        progressBase = workbook.directory.entries[sheet.entry].map { $0.localHeaderOffset } ?? 0
        handler = SheetHandler(batchRows: Self.batchRows, dateStyles: styles, sharedStringCount: strings.count, dateSystem: system)
        handler.sharedStringOffsets = strings.offsets
        handler.skipThroughRow = options.skipRows ?? 0
        parser = try ExcelXMLParser(entry, path: path, handler: handler)
        schema = Schema([])
        types = []
        names = []
        let first = try nextCellBatch()
        pending = first
        pendingIsFirst = true
        if let first {
            if options.hasHeader == nil && options.skipRows == nil {
                titleRows = TitleRows.count((0..<Swift.min(first.rowCount, TitleRows.rowsNeeded)).map { shape(first, row: $0) })
                titles = (0..<titleRows).compactMap { firstText(first, row: $0) }
                headerRowNumber = Int(first.rowNumbers[titleRows])
            }
            hasHeader = options.hasHeader ?? Self.looksLikeHeader(first, row: titleRows)
            names = hasHeader ? headerNames(first) : (0..<first.width).map { columnNames.distinct("column_\($0 + 1)", position: $0) }
        }
        if let override {
            guard override.count >= names.count else {
                throw .invalidOption("'\(path)' changed while it was being read: sheet '\(sheet.name)' now has \(names.count) columns instead of \(override.count).")
            }
            names = override.fields.map(\.name)
            types = override.fields.map { ExcelCellType(override: $0.type) }
        } else {
            types = Array(repeating: options.allStrings ? .string : .unknown, count: names.count)
            if let first, !options.allStrings { infer(first, from: dataStart(first)) }
        }
        schema = makeSchema()
    }

    var details: [(String, String)] {
        var details = [("sheet", sheet.name), ("header", hasHeader ? "yes" : "no"),
                       ("date_system", system == .excel1904 ? "1904" : "1900")]
        if let dimension = handler.dimension { details.append(("dimension", dimension)) }
        if let skipped = options.skipRows ?? (titleRows > 0 ? headerRowNumber - 1 : nil) { details.append(("skipped_rows", String(skipped))) }
        return details
    }

    private func makeSchema() -> Schema {
        Schema(zip(names, types).map { Field(name: $0, type: $1.dataType) })
    }

    /// The first data row of a batch: after the title rows and the header in the first one.
    private func dataStart(_ batch: CellBatch) -> Int {
        batch === pending && pendingIsFirst ? titleRows + (hasHeader ? 1 : 0) : 0
    }

    // MARK: Reading

    /// The next batch of parsed rows, nil at the end of the sheet.
    private func nextCellBatch() throws(ConversionError) -> CellBatch? {
        while handler.ready.isEmpty {
            if try !parser.step() {
                if let error = handler.malformedError(path: path, sheet: sheet.name) { throw error }
                if let bad = handler.badStringIndex {
                    throw .malformedInput(path: path, location: "sheet '\(sheet.name)' row \(bad.row)",
                                          reason: "a cell refers to shared string \(bad.index), but the workbook has only \(strings.count)",
                                          fix: "save the workbook again from Excel")
                }
                handler.flush()
                break
            }
            // Inflated bytes consumed, scaled to the entry's compressed size in the file.
            let size = entry.entry
            progress?.setBytesRead(progressBase + entry.consumed * size.compressedSize / Swift.max(size.uncompressedSize, 1))
        }
        return handler.ready.isEmpty ? nil : handler.ready.removeFirst()
    }

    func next() throws(ConversionError) -> ReadStep {
        let batch: CellBatch
        if let pending {
            batch = pending
        } else if let read = try nextCellBatch() {
            batch = read
            pendingIsFirst = false
        } else {
            finishWarnings()
            return .end
        }
        let start = dataStart(batch)
        pending = nil
        pendingIsFirst = false
        if batch.width > names.count {
            return try scanRest(batch, from: start, reason: "sheet '\(sheet.name)' row \(batch.rowNumbers[batch.rowCount - 1]) or earlier has cells right of the first rows' last column")
        }
        if let restart = try resolveUnknownColumns(batch, from: start) { return restart }
        let builder = ExcelBatchBuilder(schema: schema, types: types, strings: strings, system: system)
        let columns: [Column]
        do {
            columns = try builder.build(batch, rows: start..<batch.rowCount)
        } catch {
            let old = types[error.column]
            let slots = batch.columns[error.column]
            let kind = CellKind(rawValue: slots.kinds[error.row]) ?? .empty
            let shown = kind == .sharedString || kind == .text ? "text" : "'\(ExcelGeneralFormat.text(kind, slots.values[error.row], system))'"
            let reason = "column '\(names[error.column])' was inferred as \(old) but sheet '\(sheet.name)' row \(batch.rowNumbers[error.row]) holds \(shown)"
            return try scanRest(batch, from: start, reason: reason)
        }
        let record = try RecordBatch.assembled(schema, columns, path: path, location: "sheet '\(sheet.name)'" + (start < batch.rowCount ? " from row \(batch.rowNumbers[start])" : ""))
        rowsRead += record.rowCount
        progress?.addRows(record.rowCount)
        return .batch(record)
    }

    /// Columns with only nulls so far are written as strings; their first values decide
    /// whether that holds (text) or the sheet must be read again with a typed column.
    private func resolveUnknownColumns(_ batch: CellBatch, from start: Int) throws(ConversionError) -> ReadStep? {
        for c in 0..<types.count where types[c] == .unknown {
            let seen = columnType(batch, c, from: start, initial: .unknown)
            if seen == .unknown { continue }
            if seen == .string || seen == .time {
                types[c] = seen
                continue
            }
            let reason = "column '\(names[c])' had only empty cells until sheet '\(sheet.name)' row \(batch.rowNumbers[start]), then \(seen) values"
            return try scanRest(batch, from: start, reason: reason)
        }
        return nil
    }

    // MARK: Types

    private func columnType(_ batch: CellBatch, _ c: Int, from start: Int, initial: ExcelCellType) -> ExcelCellType {
        guard c < batch.width, !batch.columns[c].kinds.isEmpty else { return initial }
        var type = initial
        let slots = batch.columns[c]
        for r in start..<batch.rowCount {
            let kind = CellKind(rawValue: slots.kinds[r]) ?? .empty
            if kind == .empty { continue }
            type = type.join(ExcelCellType.of(kind, slots.values[r], system))
            if type == .string { break }
        }
        return type
    }

    private func infer(_ batch: CellBatch, from start: Int) {
        while batch.width > names.count {
            names.append(uniqueName("column_\(names.count + 1)"))
            types.append(options.allStrings ? .string : .unknown)
        }
        for c in 0..<types.count where types[c] != .string {
            types[c] = columnType(batch, c, from: start, initial: types[c])
        }
    }

    private func uniqueName(_ name: String) -> String {
        columnNames.distinct(name, position: names.count)
    }

    /// Infers over this batch and the rest of the sheet; the result holds every cell.
    private func scanRest(_ batch: CellBatch, from start: Int, reason: String) throws(ConversionError) -> ReadStep {
        infer(batch, from: start)
        while let next = try nextCellBatch() { infer(next, from: 0) }
        return .restart(makeSchema(), reason: reason)
    }

    /// Reads to the end inferring types; returns the row count and schema (for `info`).
    func scanToEnd() throws(ConversionError) -> (Int, Schema) {
        var rows = 0
        if let pending {
            let start = dataStart(pending)
            if !options.allStrings { infer(pending, from: start) } else { infer(pending, from: pending.rowCount) }
            rows += pending.rowCount - start
            self.pending = nil
        }
        while let next = try nextCellBatch() {
            infer(next, from: options.allStrings ? next.rowCount : 0)
            rows += next.rowCount
        }
        schema = makeSchema()
        finishWarnings()
        return (rows, schema)
    }

    /// Whether a row is column names: every cell in it is text, and there is at least one such cell.
    static func looksLikeHeader(_ batch: CellBatch, row: Int = 0) -> Bool {
        guard batch.rowCount > row else { return false }
        var texts = 0
        for c in 0..<batch.width {
            switch batch.kind(row, c) {
            case .empty: continue
            case .sharedString, .text: texts += 1
            default: return false
            }
        }
        return texts > 0
    }

    /// The names in the header row (after any title rows).
    private func headerNames(_ batch: CellBatch) -> [String] {
        (0..<batch.width).map { c in
            columnNames.unique(cellText(batch, row: titleRows, column: c) ?? "", position: c)
        }
    }

    /// A cell as text (numbers as Excel shows them, for a forced header); nil when empty.
    private func cellText(_ batch: CellBatch, row: Int, column c: Int) -> String? {
        switch batch.kind(row, c) {
        case .sharedString: return strings.string(at: Int(batch.columns[c].values[row]))
        case .text: return batch.texts.string(at: Int(batch.columns[c].values[row]))
        case .empty, .error: return nil
        case let kind: return ExcelGeneralFormat.text(kind, batch.columns[c].values[row], system)
        }
    }

    /// What `TitleRows` needs to know of a row.
    private func shape(_ batch: CellBatch, row: Int) -> TitleRows.Row {
        var filled = 0, texts = 0
        var startsWithText = true
        for c in 0..<batch.width {
            let kind = batch.kind(row, c)
            if kind == .empty { continue }
            let isText = kind == .sharedString || kind == .text
            if filled == 0 { startsWithText = isText }
            filled += 1
            if isText { texts += 1 }
        }
        return TitleRows.Row(filled: filled, startsWithText: startsWithText, allText: texts == filled)
    }

    private func firstText(_ batch: CellBatch, row: Int) -> String? {
        (0..<batch.width).lazy.compactMap { self.cellText(batch, row: row, column: $0) }.first
    }

    private func finishWarnings() {
        warnings.removeAll()
        if titleRows > 0 {
            warnings.append(TitleRows.note(rows: titleRows, titles: titles, header: "sheet '\(sheet.name)' row \(headerRowNumber)", skipRows: headerRowNumber - 1))
        }
        if let clash = columnNames.warning(in: path, { "sheet '\(sheet.name)' column \($0 + 1)" }) { warnings.append(clash) }
        if names.isEmpty {
            warnings.append("Sheet '\(sheet.name)' of '\(path)' is empty: the output has no columns and no rows.")
        }
        if handler.errorCells > 0 {
            warnings.append("\(handler.errorCells) cell(s) in sheet '\(sheet.name)' hold Excel errors (#N/A, #DIV/0!, ...); they are null.")
        }
        if let bad = handler.firstBadDate {
            let more = handler.badDates > 1 ? " (and \(handler.badDates - 1) more such cell(s))" : ""
            warnings.append("Sheet '\(sheet.name)' cell \(bad.cell)\(more) holds the date serial \(ValueFormatting.double(bad.serial)), which is no date: serials from \(system.validSerials) stand for 0001-01-01 to 9999-12-31; it was read as null.")
        }
        if handler.mergedRanges > 0 {
            warnings.append("Sheet '\(sheet.name)' has \(handler.mergedRanges) merged range(s); each value is in the range's top-left cell and the other cells are null.")
        }
    }
}
