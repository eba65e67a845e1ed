import Columnar
import Values
import FormatKit

/// Turns rows of a `CellBatch` into the typed columns of a record batch, one column at a time.
struct ExcelBatchBuilder {
    let schema: Schema
    let types: [ExcelCellType]
    let strings: ByteArrays
    let system: ExcelDateSystem

    /// A cell that does not fit its column's type: the reader must widen the column.
    struct Mismatch: Error {
        var column: Int
        var row: Int
    }

    /// The columns of `schema`, in its order (the reader assembles them into a batch).
    func build(_ batch: CellBatch, rows: Range<Int>) throws(Mismatch) -> [Column] {
        var columns: [Column] = []
        columns.reserveCapacity(types.count)
        for (c, type) in types.enumerated() {
            columns.append(try buildColumn(c, type, batch, rows))
        }
        return columns
    }

    private func buildColumn(_ c: Int, _ type: ExcelCellType, _ batch: CellBatch, _ rows: Range<Int>) throws(Mismatch) -> Column {
        guard c < batch.width, !batch.columns[c].kinds.isEmpty else {
            // No cell in this column in these rows: all null.
            let empty = [UInt8](repeating: 0, count: rows.count)
            let values: ColumnValues
            switch type.dataType.storage {
            case .booleans: values = .booleans(empty)
            case .int32s: values = .int32s([Int32](repeating: 0, count: rows.count))
            case .int64s: values = .int64s([Int64](repeating: 0, count: rows.count))
            case .doubles: values = .doubles([Double](repeating: 0, count: rows.count))
            default: values = .bytes(ByteArrays(offsets: [Int32](repeating: 0, count: rows.count + 1), data: []))
            }
            return Column(values, validity: empty)
        }
        let slots = batch.columns[c]
        let system = self.system
        switch type {
        case .int64:
            return try fixed(c, slots, rows, 0 as Int64) { kind, v in
                kind == CellKind.number.rawValue && v.rounded(.towardZero) == v && abs(v) < ExcelCellType.exactIntegerLimit ? Int64(v) : nil
            }.map { .int64s($0) }
        case .double:
            return try fixed(c, slots, rows, 0.0) { kind, v in kind == CellKind.number.rawValue ? v : nil }.map { .doubles($0) }
        case .boolean:
            return try fixed(c, slots, rows, 0 as UInt8) { kind, v in kind == CellKind.boolean.rawValue ? (v != 0 ? 1 : 0) : nil }
                .map { .booleans($0) }
        case .date:
            return try fixed(c, slots, rows, 0 as Int32) { kind, v in
                guard let micros = Self.micros(kind, v, system), micros % CivilTime.microsPerDay == 0 else { return nil }
                if kind == CellKind.dateSerial.rawValue && v >= 0 && v < 1 { return nil }  // a time of day
                return Int32(truncatingIfNeeded: micros / CivilTime.microsPerDay)
            }.map { .int32s($0) }
        case .timestamp:
            return try fixed(c, slots, rows, 0 as Int64) { kind, v in Self.micros(kind, v, system) }.map { .int64s($0) }
        case .string, .time, .unknown:
            return strings(slots, rows, batch)
        }
    }

    @inline(__always)
    static func micros(_ kind: UInt8, _ v: Double, _ system: ExcelDateSystem) -> Int64? {
        if kind == CellKind.dateSerial.rawValue { return system.micros(serial: v) }
        if kind == CellKind.isoDate.rawValue { return Int64(v) }
        return nil
    }

    @inline(__always)
    private func fixed<T>(
        _ c: Int, _ slots: CellBatch.Slots, _ rows: Range<Int>, _ zero: T, _ convert: (UInt8, Double) -> T?
    ) throws(Mismatch) -> TypedColumn<T> {
        var validity: [UInt8]? = nil
        var values = [T]()
        values.reserveCapacity(rows.count)
        for r in rows {
            let kind = slots.kinds[r]
            if kind == CellKind.empty.rawValue || kind == CellKind.error.rawValue {
                if validity == nil { validity = [UInt8](repeating: 1, count: rows.count) }
                validity![r - rows.lowerBound] = 0
                values.append(zero)
                continue
            }
            guard let value = convert(kind, slots.values[r]) else { throw Mismatch(column: c, row: r) }
            values.append(value)
        }
        return TypedColumn(values: values, validity: validity)
    }

    private func strings(_ slots: CellBatch.Slots, _ rows: Range<Int>, _ batch: CellBatch) -> Column {
        var out = ByteArrays()
        out.reserve(values: rows.count, bytes: rows.count * 8)
        var validity: [UInt8]? = nil
        for r in rows {
            let kind = CellKind(rawValue: slots.kinds[r]) ?? .empty
            let v = slots.values[r]
            switch kind {
            case .empty, .error:
                if validity == nil { validity = [UInt8](repeating: 1, count: rows.count) }
                validity![r - rows.lowerBound] = 0
                out.appendEmpty()
            case .sharedString:
                Self.appendSlice(&out, strings, Int(v))
            case .text:
                Self.appendSlice(&out, batch.texts, Int(v))
            default:
                out.append(ExcelGeneralFormat.text(kind, v, system))
            }
        }
        return Column(.bytes(out), validity: validity)
    }

    @inline(__always)
    static func appendSlice(_ out: inout ByteArrays, _ source: ByteArrays, _ index: Int) {
        let start = Int(source.offsets[index]), end = Int(source.offsets[index + 1])
        source.data.withUnsafeBytes { raw in
            out.append(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
        }
    }
}

/// A non-text cell as Excel shows it in General format, for string columns: integral
/// numbers without ".0", others as the shortest round-trip text; TRUE/FALSE; ISO dates.
enum ExcelGeneralFormat {
    static func text(_ kind: CellKind, _ v: Double, _ system: ExcelDateSystem) -> String {
        switch kind {
        case .number:
            if v.rounded(.towardZero) == v && abs(v) < 1e15 { return String(Int64(v)) }
            return ValueFormatting.double(v)
        case .boolean:
            return v != 0 ? "TRUE" : "FALSE"
        case .dateSerial, .isoDate:
            guard let micros = ExcelBatchBuilder.micros(kind.rawValue, v, system) else { return ValueFormatting.double(v) }
            if kind == .dateSerial && v >= 0 && v < 1 {
                // A time of day: the clock part only.
                let full = ValueFormatting.timestamp(micros: micros, utc: false)
                return String(full[full.index(after: full.firstIndex(of: "T")!)...])
            }
            if micros % CivilTime.microsPerDay == 0 { return ValueFormatting.date(days: Int32(micros / CivilTime.microsPerDay)) }
            return ValueFormatting.timestamp(micros: micros, utc: false)
        default:
            return ""
        }
    }
}
