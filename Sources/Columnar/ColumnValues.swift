/// Variable-length values laid out Arrow-style: value `i` is
/// `data[offsets[i] ..< offsets[i + 1]]`.
///
/// The offsets are 32-bit (Arrow's and Parquet's layout), so one column of one batch holds at
/// most `maxDataBytes`. Readers bound their batches well below that; should one ever pass it,
/// the value that does not fit is left empty and `overflowed` is set, and `RecordBatch`
/// refuses the column with `ColumnarError.valuesTooLarge`: an error sentence, never a trap
/// or an offset that wrapped around.
public struct ByteArrays: Sendable, Hashable {
    public var offsets: [Int32]
    public var data: [UInt8]
    /// True once a value did not fit under the 32-bit offsets.
    public private(set) var overflowed = false
    /// `maxDataBytes`, lowered by tests.
    let limit: Int

    public static let maxDataBytes = Int(Int32.max)

    public init() {
        self.init(limit: Self.maxDataBytes)
    }

    init(limit: Int) {
        offsets = [0]
        data = []
        self.limit = limit
    }

    public init(offsets: [Int32], data: [UInt8]) {
        precondition(!offsets.isEmpty, "ByteArrays needs at least the leading 0 offset")
        self.offsets = offsets
        self.data = data
        limit = Self.maxDataBytes
        overflowed = data.count > limit
    }

    public init<S: Sequence>(strings: S) where S.Element == String {
        self.init()
        for string in strings { append(string) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserve(values: Int, bytes: Int) {
        offsets.reserveCapacity(values + 1)
        data.reserveCapacity(bytes)
    }

    public mutating func append(_ string: String) {
        var copy = string
        copy.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= limit - data.count else {
            overflowed = true
            appendEmpty()
            return
        }
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))  // at most `limit`, which fits
    }

    /// Ends a value whose bytes the caller appended to `data` itself (decoding in place).
    public mutating func endValue() {
        let start = Int(offsets[offsets.count - 1])
        guard data.count <= limit else {
            overflowed = true
            data.removeSubrange(start...)
            appendEmpty()
            return
        }
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    /// Appends a null or empty slot (no bytes).
    public mutating func appendEmpty() {
        offsets.append(offsets[offsets.count - 1])
    }

    public func string(at index: Int) -> String {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return String(decoding: data[start..<end], as: UTF8.self)
    }
}

/// One column's values, one slot per row; a null row's slot holds 0 or an empty value.
public enum ColumnValues: Sendable, Hashable {
    /// 0 or 1 per row.
    case booleans([UInt8])
    case int32s([Int32])
    case int64s([Int64])
    case int128s([Int128])
    case doubles([Double])
    case bytes(ByteArrays)

    public var count: Int {
        switch self {
        case .booleans(let v): return v.count
        case .int32s(let v): return v.count
        case .int64s(let v): return v.count
        case .int128s(let v): return v.count
        case .doubles(let v): return v.count
        case .bytes(let v): return v.count
        }
    }

    public var storage: StorageKind {
        switch self {
        case .booleans: return .booleans
        case .int32s: return .int32s
        case .int64s: return .int64s
        case .int128s: return .int128s
        case .doubles: return .doubles
        case .bytes: return .bytes
        }
    }
}
