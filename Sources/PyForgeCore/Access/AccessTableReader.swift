import CMDBTools
import Columnar

/// Reads one table of an Access database through libmdb, typed values straight from the
/// row bytes (text through libmdb's conversion to UTF-8).
final class AccessTableReader: TableReader {
    let schema: Schema
    let tableName: String
    private let database: AccessDatabase
    private let table: UnsafeMutablePointer<MdbTableDef>
    private var columns: [AccessColumn]
    private let mdbColumns: [UnsafeMutablePointer<MdbColumn>]
    private let fields: UnsafeMutablePointer<MdbField>
    private var text: [CChar] = []
    private var scratch = [UInt8](repeating: 0, count: 16_384)
    private var finished = false
    private(set) var rows = 0
    private let progress: ProgressCounter?
    static let batchRows = 16_384

    init(database: AccessDatabase, table name: String, progress: ProgressCounter?) throws(ConversionError) {
        self.database = database
        tableName = name
        self.progress = progress
        let opened: UnsafeMutablePointer<MdbTableDef>? = libmdb.withLock { _ in
            guard let entry = name.withCString({ mdb_get_catalogentry_by_name(database.handle, $0) }),
                  let table = mdb_read_table(entry) else { return nil }
            mdb_read_columns(table)
            mdb_rewind_table(table)
            return table
        }
        guard let opened else {
            throw .unreadableInput(path: database.path, reason: "its table '\(name)' cannot be read (the file may be damaged)")
        }
        table = opened
        var names = ColumnNames()
        var fieldsOut: [Field] = []
        var built: [AccessColumn] = []
        var pointers: [UnsafeMutablePointer<MdbColumn>] = []
        for i in 0..<opened.pointee.num_cols {
            let column = pyf_column(opened, i)!
            pointers.append(column)
            let c = column.pointee
            let access = AccessColumn(mdbType: c.col_type, precision: c.col_prec, scale: c.col_scale)
            let rawName = withUnsafeBytes(of: c.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            fieldsOut.append(Field(name: names.unique(rawName, position: Int(i)), type: access.type, nullable: access.type != .boolean))
            built.append(access)
        }
        schema = Schema(fieldsOut)
        columns = built
        mdbColumns = pointers
        fields = .allocate(capacity: Int(MDB_MAX_COLS) + 1)
    }

    deinit {
        let table = self.table
        libmdb.withLock { _ in mdb_free_tabledef(table) }
        fields.deallocate()
    }

    func next() throws(ConversionError) -> ReadStep {
        guard !finished else { return .end }
        var count = 0
        libmdb.withLock { _ in
            while count < Self.batchRows {
                let cracked = pyf_next_row(table, fields)
                if cracked <= 0 {
                    finished = true
                    break
                }
                readRow()
                count += 1
            }
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

    /// Appends the cracked row in `fields` to the columns (libmdb lock held).
    private func readRow() {
        let handle = database.handle
        let page = UnsafeRawPointer(handle) + MemoryLayout<MdbHandle>.offset(of: \MdbHandle.pg_buf)!
        let pageSize = Int(handle.pointee.fmt.pointee.pg_size)
        for i in 0..<columns.count {
            let field = fields[i]
            let index = Int(field.colnum)
            guard index < columns.count else { continue }
            let start = Int(field.start), size = Int(field.siz)
            if case .boolean = columns[index].kind {
                columns[index].append(int32: field.is_null == 0 ? 1 : 0)
                continue
            }
            // libmdb cracks a damaged row into fields outside the page (negative sizes,
            // ends past the page, found by scripts/fuzz): such a value is read as null.
            if field.is_null != 0 || start < 0 || size < 0 || start + size > pageSize {
                columns[index].appendNull()
                continue
            }
            let p = page + start
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
            case .binary: columns[index].append(bytes: UnsafeRawBufferPointer(start: p, count: size))
            case .text: appendText(index, start: start, size: size)
            case .memo:
                var length = 0
                let memo = pyf_memo(handle, Int32(start), Int32(size), &length)
                appendOwned(index, memo.map { UnsafeRawPointer($0) }, length, free: { pyf_free($0) })
            case .ole:
                var length = 0
                let data = scratch.withUnsafeMutableBytes { pyf_ole(handle, mdbColumns[index], Int32(start), Int32(size), &length, $0.baseAddress) }
                appendOwned(index, data.map { UnsafeRawPointer($0) }, length, free: { free($0) })
            case .guid:
                let text = mdb_col_to_string(handle, UnsafeMutableRawPointer(mutating: page), Int32(start), Int32(MDB_REPID), Int32(size))
                appendOwned(index, text.map { UnsafeRawPointer($0) }, text.map { strlen($0) } ?? 0, free: { pyf_free($0) })
            case .numeric(let scale):
                guard let text = pyf_numeric(handle, Int32(start), Int32(scale), Int32(mdbColumns[index].pointee.col_prec)) else {
                    columns[index].appendNull()
                    continue
                }
                if case .value(let v) = DBaseValues.decimal(UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), strlen(text), scale: scale) {
                    columns[index].append(decimal: v)
                } else {
                    columns[index].appendNull()
                }
                pyf_free(text)
            }
        }
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
