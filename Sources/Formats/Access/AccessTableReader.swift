import CMDBTools
import Columnar
import FormatKit

/// Reads one table of an Access database through libmdb, typed values straight from the
/// row bytes (text through libmdb's conversion to UTF-8).
final class AccessTableReader: TableReader {
    let schema: Schema
    let tableName: String
    private let database: AccessDatabase
    private let table: UnsafeMutablePointer<MdbTableDef>
    private var columns: [AccessColumn]
    private let fields: UnsafeMutablePointer<MdbField>
    private var text: [CChar] = []
    private var pagesVisited: UInt = 0
    private var finished = false
    private(set) var rows = 0
    private let progress: ProgressCounter?
    static let batchRows = 16_384

    init(database: AccessDatabase, table name: String, progress: ProgressCounter?) throws(ConversionError) {
        self.database = database
        tableName = name
        self.progress = progress
        let (opened, said): (Result<UnsafeMutablePointer<MdbTableDef>, TableProblem>, String?) = Libmdb.call {
            guard let entry = name.withCString({ mdb_get_catalogentry_by_name(database.handle, $0) }),
                  let table = pyf_read_table(entry) else { return .failure(.unreadable) }
            // libmdb trusts the stored count: it would read that many column entries and
            // crack every row into that many fields (our buffer holds MDB_MAX_COLS).
            let count = pyf_table_column_count(table)
            guard count > 0, count <= Self.maxColumns else {
                mdb_free_tabledef(table)
                return .failure(.columnCount(count))
            }
            guard let read = mdb_read_columns(table), read.pointee.len == count else {
                mdb_free_tabledef(table)
                return .failure(.unreadable)
            }
            mdb_rewind_table(table)
            return .success(table)
        }
        let table: UnsafeMutablePointer<MdbTableDef>
        switch opened {
        case .success(let t) where said == nil: table = t
        case .success(let t):
            Libmdb.quietly { mdb_free_tabledef(t) }
            throw Self.damaged(database, name, "its definition cannot be read\(AccessDatabase.saying(said))")
        case .failure(.columnCount(let count)):
            throw Self.damaged(database, name, "its definition claims \(count) columns, where Access allows 1 to \(Self.maxColumns)")
        case .failure(.unreadable):
            throw Self.damaged(database, name, "its definition cannot be read\(AccessDatabase.saying(said))")
        }
        self.table = table
        var names = ColumnNames()
        var fieldsOut: [Field] = []
        var built: [AccessColumn] = []
        for i in 0..<table.pointee.num_cols {
            let c = pyf_column(table, i)!.pointee
            let rawName = withUnsafeBytes(of: c.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            // libmdb reads a Decimal's precision into col_scale and its scale into col_prec
            // (Jet 4 column entry: byte 11 precision, byte 12 scale); mdb-schema prints them
            // back in that swapped order, so its output looks right.
            guard let access = AccessColumn(mdbType: c.col_type, precision: c.col_scale, scale: c.col_prec) else {
                Libmdb.quietly { mdb_free_tabledef(table) }
                throw Self.damaged(database, name, "its Decimal column '\(rawName)' declares precision \(c.col_scale) and scale \(c.col_prec), which Access does not allow")
            }
            fieldsOut.append(Field(name: names.unique(rawName, position: Int(i)), type: access.type, nullable: access.type != .boolean))
            built.append(access)
        }
        schema = Schema(fieldsOut)
        columns = built
        fields = .allocate(capacity: Int(MDB_MAX_COLS) + 1)
    }

    /// Access allows 255 columns in a table.
    static let maxColumns: UInt32 = 255

    private enum TableProblem: Error { case unreadable, columnCount(UInt32) }

    static func damaged(_ database: AccessDatabase, _ table: String, _ reason: String) -> ConversionError {
        .malformedInput(
            path: database.path, location: "table '\(table)'", reason: "\(reason): the file is damaged",
            fix: "open the database in Access and run Compact and Repair (or copy the complete file again), then convert it")
    }

    deinit {
        let table = self.table
        Libmdb.quietly { mdb_free_tabledef(table) }
        fields.deallocate()
    }

    func next() throws(ConversionError) -> ReadStep {
        guard !finished else { return .end }
        var count = 0
        // A batch also ends at the memory budget's share of text (memo and OLE values).
        let textLimit = MemoryBudget.current.batchBytes
        let (problem, said): (String?, String?) = Libmdb.call {
            while count < Self.batchRows && columns.reduce(0, { $0 + $1.byteCount }) < textLimit {
                let cracked = pyf_next_row(table, fields, &pagesVisited, database.pageCount)
                switch cracked {
                case Int32(PYF_ROW_END):
                    finished = true
                    return nil
                case Int32(PYF_ROW_TOO_MANY_PAGES):
                    return "reading it visits more data pages than the file's \(database.pageCount) pages (its page chain loops)"
                case Int32(PYF_ROW_UNREADABLE):
                    return "row \(rows + count + 1) cannot be split into its columns"
                default: break
                }
                if let problem = readRow() { return "row \(rows + count + 1): \(problem)" }
                count += 1
            }
            return nil
        }
        // Whatever libmdb prints is about damage it skipped over (a page it could not read
        // or that belongs elsewhere): rows would be missing, so it is an error, not a warning.
        if let reason = problem ?? said.map({ "mdbtools reported '\($0)'" }) {
            finished = true
            throw Self.damaged(database, tableName, reason)
        }
        if count == 0 && rows > 0 { return .end }
        rows += count
        progress?.addRows(count)
        do {
            return .batch(try RecordBatch(schema: schema, columns: columns.indices.map { columns[$0].take() }))
        } catch {
            throw .malformedInput(path: database.path, location: "table '\(tableName)'", reason: error.description, fix: "report this file to the pyforge developers")
        }
    }

    /// Appends the cracked row in `fields` (libmdb fills one per table column) to the
    /// columns (libmdb lock held); returns what
    /// is wrong with it when a field points outside its page or holds a damaged value.
    private func readRow() -> String? {
        let handle = database.handle
        let page = UnsafeRawPointer(handle) + MemoryLayout<MdbHandle>.offset(of: \MdbHandle.pg_buf)!
        let pageSize = Int(handle.pointee.fmt.pointee.pg_size)
        for i in 0..<columns.count {
            let field = fields[i]
            let index = Int(field.colnum)
            guard index >= 0, index < columns.count else { return "a field names column \(index) of \(columns.count)" }
            if case .boolean = columns[index].kind {
                columns[index].append(int32: field.is_null == 0 ? 1 : 0)
                continue
            }
            if field.is_null != 0 {
                columns[index].appendNull()
                continue
            }
            // libmdb cracks a damaged row into fields outside the page (negative sizes, ends
            // past the page; found by scripts/fuzz): the table is damaged, not the value null.
            let start = Int(field.start), size = Int(field.siz)
            guard start >= 0, size >= 0, start <= pageSize - size else {
                return "its value in column \(index + 1) lies outside its page"
            }
            guard size >= columns[index].kind.storedSize else {
                return "its value in column \(index + 1) is \(size) bytes, too short for its type"
            }
            let p = page + start
            let raw = UnsafeRawBufferPointer(start: p, count: size)
            switch columns[index].kind {
            case .boolean: break
            case .byte: columns[index].append(int32: Int32(p.load(as: UInt8.self)))
            case .integer: columns[index].append(int32: Int32(Int16(littleEndian: p.loadUnaligned(as: Int16.self))))
            case .long: columns[index].append(int32: Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
            case .money: columns[index].append(int128: Int128(Int64(littleEndian: p.loadUnaligned(as: Int64.self))))
            case .single: columns[index].append(double: Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))))
            case .double: columns[index].append(double: Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
            case .dateTime:
                let value = Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
                if let micros = AccessColumn.micros(accessDate: value) { columns[index].append(int64: micros) } else { columns[index].appendNull() }
            case .binary: columns[index].append(bytes: raw)
            case .text: appendText(index, start: start, size: size)
            case .memo:
                var length = 0
                guard let memo = pyf_memo(handle, Int32(start), Int32(size), database.pageCount, &length) else {
                    return "its Memo value in column \(index + 1) is damaged (its length or page chain is wrong)"
                }
                columns[index].append(bytes: UnsafeRawBufferPointer(start: memo, count: length))
                pyf_free(memo)
            case .ole:
                var length = 0
                guard let data = pyf_long_value(handle, Int32(start), Int32(size), database.pageCount, &length) else {
                    return "its OLE value in column \(index + 1) is damaged (its length or page chain is wrong)"
                }
                columns[index].append(bytes: UnsafeRawBufferPointer(start: data, count: length))
                pyf_free(data)
            case .guid:
                guard let text = AccessRawValues.guid(UnsafeRawBufferPointer(rebasing: raw.prefix(AccessRawValues.guidSize))) else {
                    return "its GUID in column \(index + 1) is damaged"
                }
                columns[index].append(string: text)
            case .numeric(let precision, _):
                guard let value = AccessRawValues.numeric(UnsafeRawBufferPointer(rebasing: raw.prefix(AccessRawValues.numericSize)), precision: precision) else {
                    return "its Decimal in column \(index + 1) has more digits than the column's precision \(precision)"
                }
                columns[index].append(decimal: value)
            }
        }
        return nil
    }

    private func appendText(_ index: Int, start: Int, size: Int) {
        let capacity = size * 3 + 1
        if text.count < capacity { text = [CChar](repeating: 0, count: capacity) }
        let length = text.withUnsafeMutableBufferPointer { pyf_text(database.handle, Int32(start), Int32(size), $0.baseAddress, capacity) }
        text.withUnsafeBytes { columns[index].append(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<Int(max(0, length))])) }
    }

    /// Appends bytes libmdb allocated (null when it returned none), then frees them.
    private func appendOwned(_ index: Int, _ pointer: UnsafeRawPointer?, _ length: Int, free release: (UnsafeMutableRawPointer) -> Void) {
        guard let pointer else {
            columns[index].appendNull()
            return
        }
        columns[index].append(bytes: UnsafeRawBufferPointer(start: pointer, count: length))
        release(UnsafeMutableRawPointer(mutating: pointer))
    }

    var warnings: [String] { [] }

    var details: [(String, String)] {
        [("table", tableName), ("access_version", database.versionName)]
    }
}
