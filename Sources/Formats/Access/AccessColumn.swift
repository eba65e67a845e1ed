import CMDBTools
import Columnar
import Values

/// One Access column: its type in the schema and the values of the batch being built.
struct AccessColumn {
    enum Kind {
        case boolean, byte, integer, long, money, single, double, dateTime, text, memo, ole, binary, guid, numeric(precision: Int, scale: Int)

        /// Bytes a stored value of this kind needs at least (variable-length kinds: 0).
        var storedSize: Int {
            switch self {
            case .boolean, .text, .memo, .ole, .binary: 0
            case .byte: 1
            case .integer: 2
            case .long, .single: 4
            case .money, .double, .dateTime: 8
            case .guid: AccessRawValues.guidSize
            case .numeric: AccessRawValues.numericSize
            }
        }
    }

    let kind: Kind
    let type: DataType
    private var ints32: [Int32] = []
    private var ints64: [Int64] = []
    private var ints128: [Int128] = []
    private var doubles: [Double] = []
    private var bytes = ByteArrays()
    private var validity: [UInt8] = []
    private var nulls = 0

    /// Access types as columns: Long → int32, Integer → int32, Byte → int32, Currency →
    /// decimal(19,4), Date/Time → timestamp, Yes/No → boolean, Decimal → decimal(p,s),
    /// Text/Memo/GUID → string, OLE/binary → binary. Nil for a Decimal whose precision
    /// and scale Access does not allow (a damaged definition).
    init?(mdbType: Int32, precision: Int32, scale: Int32) {
        switch Int(mdbType) {
        case Int(MDB_BOOL): (kind, type) = (.boolean, .boolean)
        case Int(MDB_BYTE): (kind, type) = (.byte, .int32)
        case Int(MDB_INT): (kind, type) = (.integer, .int32)
        case Int(MDB_LONGINT), Int(MDB_COMPLEX): (kind, type) = (.long, .int32)
        case Int(MDB_MONEY): (kind, type) = (.money, .decimal(precision: 19, scale: 4))
        case Int(MDB_FLOAT): (kind, type) = (.single, .double)
        case Int(MDB_DOUBLE): (kind, type) = (.double, .double)
        case Int(MDB_DATETIME): (kind, type) = (.dateTime, .timestampMicros(utc: false))
        case Int(MDB_MEMO): (kind, type) = (.memo, .string)
        case Int(MDB_OLE): (kind, type) = (.ole, .binary)
        case Int(MDB_BINARY): (kind, type) = (.binary, .binary)
        case Int(MDB_REPID): (kind, type) = (.guid, .string)
        case Int(MDB_NUMERIC):
            let p = Int(precision), s = Int(scale)
            guard (1...28).contains(p), (0...p).contains(s) else { return nil }
            (kind, type) = (.numeric(precision: p, scale: s), .decimal(precision: p, scale: s))
        default: (kind, type) = (.text, .string)
        }
    }

    mutating func appendNull() {
        switch type.storage {
        case .booleans, .int32s: ints32.append(0)
        case .int64s: ints64.append(0)
        case .int128s: ints128.append(0)
        case .doubles: doubles.append(0)
        case .bytes: bytes.appendEmpty()
        }
        validity.append(0)
        nulls += 1
    }

    /// Text and binary bytes of the batch so far.
    var byteCount: Int { bytes.data.count }

    mutating func append(int32 value: Int32) { ints32.append(value); validity.append(1) }
    mutating func append(int64 value: Int64) { ints64.append(value); validity.append(1) }
    mutating func append(int128 value: Int128) { ints128.append(value); validity.append(1) }
    mutating func append(double value: Double) { doubles.append(value); validity.append(1) }
    mutating func append(bytes raw: UnsafeRawBufferPointer) { bytes.append(raw); validity.append(1) }
    mutating func append(string: String) {
        var text = string
        text.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// A decimal at the column's storage width.
    mutating func append(decimal value: Int128) {
        switch type.storage {
        case .int32s: append(int32: Int32(truncatingIfNeeded: value))
        case .int64s: append(int64: Int64(truncatingIfNeeded: value))
        default: append(int128: value)
        }
    }

    /// The column of the batch built so far; starts the next one empty.
    mutating func take() -> Column {
        let valid = nulls == 0 ? nil : validity
        let values: ColumnValues
        switch type.storage {
        case .booleans: values = .booleans(ints32.map { UInt8($0) })
        case .int32s: values = .int32s(ints32)
        case .int64s: values = .int64s(ints64)
        case .int128s: values = .int128s(ints128)
        case .doubles: values = .doubles(doubles)
        case .bytes: values = .bytes(bytes)
        }
        ints32 = []; ints64 = []; ints128 = []; doubles = []; bytes = ByteArrays(); validity = []; nulls = 0
        return Column(values, validity: valid)
    }

    /// Access dates: days since 1899-12-30 as a double; before then the whole part counts
    /// back while the fraction is still the time of day. Rounded to the millisecond.
    static func micros(accessDate value: Double) -> Int64? {
        guard value.isFinite, abs(value) < 3_000_000 else { return nil }
        let whole = value.rounded(.towardZero)
        let millis = ((abs(value - whole)) * 86_400_000).rounded()
        return (Int64(whole) - 25_569) * CivilTime.microsPerDay + Int64(millis) * 1000
    }
}
