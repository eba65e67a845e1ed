import Columnar
import Values
import FormatKit

/// The records of one read, as the decoders see them: raw bytes and the rows kept.
struct DBaseRecords {
    let bytes: UnsafePointer<UInt8>
    let recordLength: Int
    /// Record positions within `bytes` (deleted records left out unless kept).
    let rows: [Int]
    /// Visual FoxPro `_NullFlags`: its offset in the record.
    let nullFlagsOffset: Int?

    @inline(__always) func record(_ row: Int) -> UnsafePointer<UInt8> { bytes + row * recordLength }

    @inline(__always) func bit(_ index: Int, of record: UnsafePointer<UInt8>) -> Bool {
        guard let offset = nullFlagsOffset else { return false }
        return record[offset + index / 8] >> (index % 8) & 1 == 1
    }
}

/// Decodes one field of a read's records straight from the record bytes into a column.
final class DBaseColumnDecoder {
    let field: DBaseField
    let type: DataType
    private let text: CodePageDecoder
    private let memo: MemoFile?
    private let visualFoxPro: Bool
    /// Visual FoxPro `_NullFlags` bits: the value is null / the varchar holds its length in its last byte.
    let nullBit: Int?
    let lengthBit: Int?
    /// Values that could not be read (written as null), for the warning.
    private(set) var invalid = 0
    private(set) var firstInvalid: String?
    private(set) var missingMemos = 0
    /// Memo bytes this field has read. Each memo has its own blocks, so a field's memos add
    /// up to at most the memo file; records pointing at one memo again and again would
    /// multiply a small file into gigabytes (a 40 KB memo read 65,536 times is 2.6 GB).
    private var memoBytesRead: Int64 = 0
    /// Allowance beyond the memo file's size (a damaged dBase III memo may run into the next).
    static let memoReadSlack: Int64 = 64 << 20

    init(field: DBaseField, visualFoxPro: Bool, codePage: CodePage, memo: MemoFile?, nullBit: Int?, lengthBit: Int?) {
        self.field = field
        self.visualFoxPro = visualFoxPro
        type = field.dataType(visualFoxPro: visualFoxPro)
        text = CodePageDecoder(codePage)
        self.memo = memo
        self.nullBit = nullBit
        self.lengthBit = lengthBit
    }

    func decode(_ records: DBaseRecords) throws(ConversionError) -> Column {
        let offset = field.offset, length = field.length
        switch type {
        case .boolean:
            return fixed(records, 0 as UInt8) { p in DBaseValues.logical(p[offset]) }.column(ColumnValues.booleans)
        case .date32:
            return fixed(records, 0 as Int32) { p in note(DBaseValues.date(p + offset, length), p + offset) }.column(ColumnValues.int32s)
        case .timestampMicros:
            return fixed(records, 0 as Int64) { p in note(DBaseValues.timestamp(p + offset), p + offset) }.column(ColumnValues.int64s)
        case .int32 where field.type == "I":
            return fixed(records, 0 as Int32) { p in Int32(bitPattern: DBaseValues.littleEndian32(p + offset)) }.column(ColumnValues.int32s)
        case .double where field.type == "B":
            return fixed(records, 0.0) { p in Double(bitPattern: DBaseValues.littleEndian64(p + offset)) }.column(ColumnValues.doubles)
        case .decimal(_, _) where field.type == "Y":
            return fixed(records, 0 as Int128) { p in Int128(Int64(bitPattern: DBaseValues.littleEndian64(p + offset))) }.column(ColumnValues.int128s)
        case .int32, .int64, .decimal:
            return numeric(records)
        case .double:
            return fixed(records, 0.0) { p in note(Self.double(p + offset, length), p + offset) }.column(ColumnValues.doubles)
        case .string, .binary:
            return try bytes(records)
        }
    }

    // MARK: - Fixed-width values

    private struct Built<T> {
        var values: [T]
        var validity: [UInt8]?

        func column(_ wrap: ([T]) -> ColumnValues) -> Column { Column(wrap(values), validity: validity) }
    }

    @inline(__always)
    private func fixed<T>(_ records: DBaseRecords, _ zero: T, _ value: (UnsafePointer<UInt8>) -> T?) -> Built<T> {
        var values = [T](repeating: zero, count: records.rows.count)
        var validity: [UInt8]?
        for (index, row) in records.rows.enumerated() {
            let record = records.record(row)
            if let bit = nullBit, records.bit(bit, of: record) {
                if validity == nil { validity = [UInt8](repeating: 1, count: records.rows.count) }
                validity![index] = 0
            } else if let v = value(record) {
                values[index] = v
            } else {
                if validity == nil { validity = [UInt8](repeating: 1, count: records.rows.count) }
                validity![index] = 0
            }
        }
        return Built(values: values, validity: validity)
    }

    /// The value of a parse, counting invalid ones.
    @inline(__always)
    private func note<T>(_ parsed: DBaseValues.Parsed<T>, _ p: UnsafePointer<UInt8>) -> T? {
        switch parsed {
        case .value(let v): return v
        case .blank: return nil
        case .invalid:
            invalid += 1
            if firstInvalid == nil {
                firstInvalid = CodePage.cp1252.string(UnsafeRawBufferPointer(start: p, count: field.length)).trimmingTrailingSpaces()
            }
            return nil
        }
    }

    /// N and F fields with integer or decimal columns; values beyond the column's precision are invalid.
    private func numeric(_ records: DBaseRecords) -> Column {
        let offset = field.offset, length = field.length
        switch type {
        case .int32:
            return fixed(records, 0 as Int32) { p in
                note(fitting(DBaseValues.decimal(p + offset, length, scale: 0), digits: 9), p + offset).map { Int32($0) }
            }.column(ColumnValues.int32s)
        case .int64:
            return fixed(records, 0 as Int64) { p in
                note(fitting(DBaseValues.decimal(p + offset, length, scale: 0), digits: 18), p + offset).map { Int64($0) }
            }.column(ColumnValues.int64s)
        case .decimal(let precision, let scale):
            let built = fixed(records, 0 as Int128) { p in
                note(fitting(DBaseValues.decimal(p + offset, length, scale: scale), digits: precision), p + offset)
            }
            switch type.storage {
            case .int32s: return Column(.int32s(built.values.map { Int32($0) }), validity: built.validity)
            case .int64s: return Column(.int64s(built.values.map { Int64($0) }), validity: built.validity)
            default: return built.column(ColumnValues.int128s)
            }
        default:
            preconditionFailure("numeric() handles integer and decimal columns")
        }
    }

    @inline(__always)
    private func fitting(_ parsed: DBaseValues.Parsed<Int128>, digits: Int) -> DBaseValues.Parsed<Int128> {
        if case .value(let v) = parsed, v.magnitude >= UInt128(DBaseValues.powersOfTen[digits]) { return .invalid }
        return parsed
    }

    /// F/N values are right-aligned text padded with spaces (or NULs): parsed from the bytes
    /// by the CSV reader's parser; only spellings it refuses (a decimal comma, leading zeros,
    /// '+') take the slow path through a String.
    private static func double(_ p: UnsafePointer<UInt8>, _ count: Int) -> DBaseValues.Parsed<Double> {
        var start = 0
        var end = count
        while end > start, p[end - 1] == 0x20 || p[end - 1] == 0 { end -= 1 }
        while start < end, p[start] == 0x20 { start += 1 }
        if start == end { return .blank }
        if let value = NumberParsing.double(p + start, end - start) { return .value(value) }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let value = Double(text.replacingComma()) else { return .invalid }
        return .value(value)
    }

    // MARK: - Text and binary

    private func bytes(_ records: DBaseRecords) throws(ConversionError) -> Column {
        let offset = field.offset, length = field.length
        var out = ByteArrays()
        out.reserve(values: records.rows.count, bytes: records.rows.count * min(length, 64))
        var validity: [UInt8]?
        let isMemo = field.isMemo(visualFoxPro: visualFoxPro)
        for (index, row) in records.rows.enumerated() {
            let record = records.record(row)
            let p = record + offset
            var present = true
            if let bit = nullBit, records.bit(bit, of: record) {
                present = false
            } else if isMemo {
                present = try appendMemo(DBaseValues.memoBlock(p, length), to: &out)
            } else {
                var count = length
                if let bit = lengthBit, records.bit(bit, of: record) {
                    count = min(Int(p[length - 1]), length - 1)
                } else if field.type == "C" && type == .string {
                    while count > 0, p[count - 1] == 0x20 || p[count - 1] == 0 { count -= 1 }
                }
                let raw = UnsafeRawBufferPointer(start: p, count: count)
                if type == .binary { out.append(raw) } else { text.append(raw, to: &out) }
            }
            if !present {
                out.appendEmpty()
                if validity == nil { validity = [UInt8](repeating: 1, count: records.rows.count) }
                validity![index] = 0
            }
        }
        return Column(.bytes(out), validity: validity)
    }

    /// Appends the memo at `block`; false (null) when there is none.
    private func appendMemo(_ block: Int, to out: inout ByteArrays) throws(ConversionError) -> Bool {
        guard block > 0, let memo else { return false }
        guard let bytes = try memo.read(block: block) else {
            missingMemos += 1
            return false
        }
        memoBytesRead += Int64(bytes.count)
        guard memoBytesRead <= memo.file.size + Self.memoReadSlack else {
            throw .malformedInput(
                path: memo.path, location: "the memos of field '\(field.name)'",
                reason: "the records read them to more than the memo file's \(memo.file.size) bytes (plus \(Self.memoReadSlack >> 20) MiB): records point at the same memo again and again",
                fix: "the table is damaged or was made to multiply its memo file; copy it to a new table in dBase or FoxPro and convert the copy")
        }
        // A batch's memos are held together (a quarter of the memory budget) and addressed
        // by 32-bit offsets; text may grow 3× into UTF-8.
        let budget = MemoryBudget.current
        let limit = Swift.min(budget.bytes / 4, Int(Int32.max))
        guard out.data.count <= limit - 3 * bytes.count else {
            if limit < Int(Int32.max) {
                throw budget.exceeded(path: memo.path, location: "the memos of field '\(field.name)'", what: "one batch of records' memo text", limit: limit)
            }
            throw .malformedInput(
                path: memo.path, location: "the memos of field '\(field.name)'",
                reason: "one batch of records holds more than 2 GiB of memo text", fix: "split the table and convert the parts")
        }
        try bytes.withBytes { (raw) throws(ConversionError) in
            if type == .binary { out.append(raw) } else { text.append(raw, to: &out) }
        }
        return true
    }

    /// What went wrong in this field, for the conversion's warnings.
    var warnings: [String] {
        var notes: [String] = []
        if invalid > 0 {
            notes.append("\(invalid) value(s) of field '\(field.name)' (\(field.spec)) could not be read as \(type.name) and were written as null (the first was '\(firstInvalid ?? "")').")
        }
        if missingMemos > 0 {
            notes.append("\(missingMemos) memo(s) of field '\(field.name)' point outside the memo file '\(memo?.path ?? "")' and were written as null.")
        }
        return notes
    }
}

extension String {
    fileprivate func replacingComma() -> String { String(map { $0 == "," ? "." : $0 }) }
}
