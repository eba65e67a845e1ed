/// Variable-length values laid out Arrow-style: value `i` is
/// `data[offsets[i] ..< offsets[i + 1]]`.
public struct ByteArrays: Sendable, Hashable {
    public var offsets: [Int32]
    public var data: [UInt8]

    public init() {
        offsets = [0]
        data = []
    }

    public init(offsets: [Int32], data: [UInt8]) {
        precondition(!offsets.isEmpty, "ByteArrays needs at least the leading 0 offset")
        self.offsets = offsets
        self.data = data
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
        data.append(contentsOf: bytes)
        offsets.append(Int32(data.count))
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
