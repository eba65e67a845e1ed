import Columnar
import Values
import FormatKit

/// The type a JSON value suggests: numbers by their literal, strings that are ISO dates or
/// timestamps as such, arrays and objects as (JSON) text.
func inferredType(of kind: JSONValueKind, _ text: UnsafeBufferPointer<UInt8>) -> InferredType {
    switch kind {
    case .null: return .unknown
    case .boolean: return .boolean
    case .integer:
        // Beyond Int64 an integer stays exact as text, never a rounded double.
        return NumberParsing.int64(text.baseAddress!, text.count) != nil ? .int64 : .string
    case .number: return NumberParsing.double(text.baseAddress!, text.count) != nil ? .double : .string
    case .nested: return .string
    case .string:
        guard text.count >= 10, let base = text.baseAddress, base[4] == UInt8(ascii: "-") else { return .string }
        if DateTimeParsing.date(base, text.count) != nil { return .date }
        if let ts = DateTimeParsing.timestamp(base, text.count) { return ts.zoned ? .timestampUTC : .timestamp }
        return .string
    }
}

/// Accumulates one column's values of a batch in its final typed form.
struct JSONColumnBuilder {
    let type: InferredType
    private var int64s: [Int64] = []
    private var int32s: [Int32] = []
    private var doubles: [Double] = []
    private var booleans: [UInt8] = []
    private var strings = ByteArrays()
    private var validity: [UInt8] = []
    private var nulls = 0

    init(type: InferredType, capacity: Int) {
        self.type = type
        validity.reserveCapacity(capacity)
        switch type {
        case .int64, .timestamp, .timestampUTC: int64s.reserveCapacity(capacity)
        case .date: int32s.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .boolean: booleans.reserveCapacity(capacity)
        case .string, .unknown: strings.reserve(values: capacity, bytes: capacity * 16)
        }
    }

    mutating func appendNull() {
        nulls += 1
        validity.append(0)
        switch type {
        case .int64, .timestamp, .timestampUTC: int64s.append(0)
        case .date: int32s.append(0)
        case .double: doubles.append(0)
        case .boolean: booleans.append(0)
        case .string, .unknown: strings.appendEmpty()
        }
    }

    /// Appends a value; false when it does not fit the column's type.
    mutating func append(_ kind: JSONValueKind, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        if kind == .null {
            appendNull()
            return true
        }
        let base = text.baseAddress ?? UnsafePointer(bitPattern: 1)!
        switch type {
        case .int64:
            guard kind == .integer, let v = NumberParsing.int64(base, text.count) else { return false }
            int64s.append(v)
        case .double:
            guard kind == .integer || kind == .number, let v = NumberParsing.double(base, text.count) else { return false }
            doubles.append(v)
        case .boolean:
            guard kind == .boolean else { return false }
            booleans.append(text[0])
        case .date:
            guard kind == .string, let v = DateTimeParsing.date(base, text.count) else { return false }
            int32s.append(v)
        case .timestamp:
            guard kind == .string else { return false }
            if let days = DateTimeParsing.date(base, text.count) {
                int64s.append(Int64(days) * CivilTime.microsPerDay)
            } else if let ts = DateTimeParsing.timestamp(base, text.count), !ts.zoned {
                int64s.append(ts.micros)
            } else {
                return false
            }
        case .timestampUTC:
            guard kind == .string, let ts = DateTimeParsing.timestamp(base, text.count), ts.zoned else { return false }
            int64s.append(ts.micros)
        case .unknown:
            // Only strings keep an all-null column a string column; anything typed widens it.
            guard kind == .string || kind == .nested else { return false }
            strings.append(UnsafeRawBufferPointer(text))
        case .string:
            if kind == .boolean {
                strings.append(text[0] == 1 ? "true" : "false")
            } else {
                strings.append(UnsafeRawBufferPointer(text))
            }
        }
        validity.append(1)
        return true
    }

    func column() -> Column {
        let validity = nulls > 0 ? self.validity : nil
        switch type {
        case .int64, .timestamp, .timestampUTC: return Column(.int64s(int64s), validity: validity)
        case .date: return Column(.int32s(int32s), validity: validity)
        case .double: return Column(.doubles(doubles), validity: validity)
        case .boolean: return Column(.booleans(booleans), validity: validity)
        case .string, .unknown: return Column(.bytes(strings), validity: validity)
        }
    }
}
