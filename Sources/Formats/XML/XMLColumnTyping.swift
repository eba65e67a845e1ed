import Columnar
import Values
import FormatKit

/// Types collected XML text with the same rules as CSV fields (empty text is null).
enum XMLColumnTyping {
    /// A value that does not parse as its column's type.
    struct Mismatch: Error {
        var row: Int
    }

    /// Joins `start` with the type of every value in `column`.
    static func infer(_ column: XMLTextColumn, from start: InferredType) -> InferredType {
        var type = start
        for r in 0..<column.count {
            let value = column.value(r)
            guard let p = value.baseAddress, !value.isEmpty else { continue }
            if type.accepts(p, value.count) { continue }
            type = type.join(InferredType.classify(p, value.count))
            if type == .string { return .string }
        }
        return type
    }

    static func build(_ column: XMLTextColumn, as type: InferredType) throws(Mismatch) -> Column {
        switch type {
        case .int64:
            return try fixedWidth(column, Int64.self) { NumberParsing.int64($0, $1) }.map { .int64s($0) }
        case .double:
            return try fixedWidth(column, Double.self) { NumberParsing.double($0, $1) }.map { .doubles($0) }
        case .date:
            return try fixedWidth(column, Int32.self) { DateTimeParsing.date($0, $1) }.map { .int32s($0) }
        case .timestamp:
            return try fixedWidth(column, Int64.self) { p, n in
                if let days = DateTimeParsing.date(p, n) { return Int64(days) * CivilTime.microsPerDay }
                guard let ts = DateTimeParsing.timestamp(p, n), !ts.zoned else { return nil }
                return ts.micros
            }.map { .int64s($0) }
        case .timestampUTC:
            return try fixedWidth(column, Int64.self) { p, n in
                guard let ts = DateTimeParsing.timestamp(p, n), ts.zoned else { return nil }
                return ts.micros
            }.map { .int64s($0) }
        case .boolean:
            return try fixedWidth(column, UInt8.self) { p, n in NumberParsing.boolean(p, n).map { $0 ? 1 : 0 } }
                .map { .booleans($0) }
        case .string, .unknown:
            var validity: [UInt8]? = nil
            let offsets = column.offsets
            for r in 0..<column.count where offsets[r] == offsets[r + 1] {
                if validity == nil { validity = [UInt8](repeating: 1, count: column.count) }
                validity![r] = 0
            }
            return Column(.bytes(ByteArrays(offsets: offsets, data: column.data)), validity: validity)
        }
    }

    private static func fixedWidth<T: BitwiseCopyable & Numeric>(
        _ column: XMLTextColumn, _: T.Type, _ parse: (UnsafePointer<UInt8>, Int) -> T?
    ) throws(Mismatch) -> TypedColumn<T> {
        let rows = column.count
        var values = [T](repeating: 0, count: rows)
        var validity: [UInt8]? = nil
        var failure: Int? = nil
        values.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows {
                let value = column.value(r)
                guard let p = value.baseAddress, !value.isEmpty else {
                    if validity == nil { validity = [UInt8](repeating: 1, count: rows) }
                    validity![r] = 0
                    continue
                }
                guard let parsed = parse(p, value.count) else {
                    failure = r
                    return
                }
                out[r] = parsed
            }
        }
        if let failure { throw Mismatch(row: failure) }
        return TypedColumn(values: values, validity: validity)
    }
}
