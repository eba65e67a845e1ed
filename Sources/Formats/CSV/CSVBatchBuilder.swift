import Platform
import Columnar
import Values
import FormatKit

/// Turns tokenized records into the typed columns of a record batch, one column at a time.
struct CSVBatchBuilder {
    public let schema: Schema
    public let types: [InferredType]
    /// Texts that mean null besides the empty field.
    public let nullValues: [[UInt8]]
    /// In a `.quotedEscaped` field, `escape` before `quote` (or before itself) stands for that byte.
    public let quote: UInt8
    public let escape: UInt8

    /// A value that does not parse as its column's type: the reader must widen the column.
    public struct Mismatch: Error {
        public var column: Int
        public var row: Int
    }

    /// The columns of `schema`, in its order (the reader assembles them into a batch).
    public func build(_ index: FieldIndex, _ base: UnsafePointer<UInt8>) throws(Mismatch) -> [Column] {
        var columns: [Column] = []
        columns.reserveCapacity(types.count)
        for (c, type) in types.enumerated() {
            columns.append(try buildColumn(c, type, index, base))
        }
        return columns
    }

    @inline(__always)
    private func isNull(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for token in nullValues where token.count == n {
            if token.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return true }
        }
        return false
    }

    private func buildColumn(_ c: Int, _ type: InferredType, _ index: FieldIndex, _ base: UnsafePointer<UInt8>) throws(Mismatch) -> Column {
        switch type {
        case .int64:
            return try fixedWidth(c, index, base, as: Int64.self) { NumberParsing.int64($0, $1) }.map { .int64s($0) }
        case .double:
            return try fixedWidth(c, index, base, as: Double.self) { NumberParsing.double($0, $1) }.map { .doubles($0) }
        case .date:
            return try fixedWidth(c, index, base, as: Int32.self) { DateTimeParsing.date($0, $1) }.map { .int32s($0) }
        case .timestamp:
            return try fixedWidth(c, index, base, as: Int64.self) { p, n in
                if let days = DateTimeParsing.date(p, n) { return Int64(days) * CivilTime.microsPerDay }
                guard let ts = DateTimeParsing.timestamp(p, n), !ts.zoned else { return nil }
                return ts.micros
            }.map { .int64s($0) }
        case .timestampUTC:
            return try fixedWidth(c, index, base, as: Int64.self) { p, n in
                guard let ts = DateTimeParsing.timestamp(p, n), ts.zoned else { return nil }
                return ts.micros
            }.map { .int64s($0) }
        case .boolean:
            return try fixedWidth(c, index, base, as: UInt8.self) { p, n in
                NumberParsing.boolean(p, n).map { $0 ? 1 : 0 }
            }.map { .booleans($0) }
        case .string, .unknown:
            return strings(c, index, base)
        }
    }

    /// Parses a fixed-width column; an unparsable field throws its position.
    @inline(__always)
    private func fixedWidth<T: BitwiseCopyable>(
        _ c: Int, _ index: FieldIndex, _ base: UnsafePointer<UInt8>, as: T.Type,
        _ parse: (UnsafePointer<UInt8>, Int) -> T?
    ) throws(Mismatch) -> TypedColumn<T> {
        let rows = index.rowCount
        let columns = index.columnCount
        let starts = index.starts, ends = index.ends, kinds = index.kinds
        var validity: [UInt8]? = nil
        var failure: Int? = nil
        let checkNulls = !nullValues.isEmpty
        let zeroValue = zero(T.self)
        let values = [T](unsafeUninitializedCapacity: rows) { buffer, initialized in
            var slot = c
            for r in 0..<rows {
                let s = Int(starts[slot]), e = Int(ends[slot])
                let kind = kinds[slot]
                slot &+= columns
                if s == e || (checkNulls && isNull(base + s, e - s)) {
                    (buffer.baseAddress! + r).initialize(to: zeroValue)
                    if validity == nil { validity = [UInt8](repeating: 1, count: rows) }
                    validity![r] = 0
                    continue
                }
                guard kind != FieldIndex.Kind.quotedEscaped.rawValue, let value = parse(base + s, e - s) else {
                    failure = r
                    (buffer.baseAddress! + r).initialize(repeating: zeroValue, count: rows - r)
                    initialized = rows
                    return
                }
                (buffer.baseAddress! + r).initialize(to: value)
            }
            initialized = rows
        }
        if let failure { throw Mismatch(column: c, row: failure) }
        return TypedColumn(values: values, validity: validity)
    }

    @inline(__always)
    private func zero<T: BitwiseCopyable>(_: T.Type) -> T {
        withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
            return buffer[0]
        }
    }

    /// Copies each field's bytes (collapsing escaped quotes); an unquoted empty field is null,
    /// a quoted one ("") is the empty string.
    private func strings(_ c: Int, _ index: FieldIndex, _ base: UnsafePointer<UInt8>) -> Column {
        let rows = index.rowCount
        let columns = index.columnCount
        let starts = index.starts, ends = index.ends, kinds = index.kinds
        var total = 0
        var slot = c
        for _ in 0..<rows {
            total &+= Int(ends[slot]) &- Int(starts[slot])
            slot &+= columns
        }
        var validity: [UInt8]? = nil
        var offsets = [Int32](repeating: 0, count: rows + 1)
        let checkNulls = !nullValues.isEmpty
        let quote = self.quote, escape = self.escape
        let data = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let out = buffer.baseAddress!
            var length = 0
            offsets.withUnsafeMutableBufferPointer { offsets in
                var slot = c
                for r in 0..<rows {
                    let s = Int(starts[slot]), e = Int(ends[slot])
                    let kind = kinds[slot]
                    slot &+= columns
                    let n = e &- s
                    if (n == 0 && kind != FieldIndex.Kind.quoted.rawValue && kind != FieldIndex.Kind.quotedEscaped.rawValue)
                        || (checkNulls && kind == FieldIndex.Kind.plain.rawValue && isNull(base + s, n))
                    {
                        if validity == nil { validity = [UInt8](repeating: 1, count: rows) }
                        validity![r] = 0
                    } else if kind == FieldIndex.Kind.quotedEscaped.rawValue {
                        var k = s
                        while k < e {
                            let c = base[k]
                            if c == escape && k &+ 1 < e && (base[k &+ 1] == quote || base[k &+ 1] == escape) {
                                out[length] = base[k &+ 1]
                                k &+= 2
                            } else {
                                out[length] = c
                                k &+= 1
                            }
                            length &+= 1
                        }
                    } else if n > 0 {
                        memcpy(out + length, base + s, n)
                        length &+= n
                    }
                    offsets[r &+ 1] = Int32(truncatingIfNeeded: length)
                }
            }
            initialized = length
        }
        return Column(.bytes(ByteArrays(offsets: offsets, data: data)), validity: validity)
    }
}
