import Columnar

/// Fixed-width values that map one-to-one onto a Parquet physical type.
protocol FixedWidthValue: DictionaryKey, Comparable {
    static func values(in column: ColumnValues) -> [Self]?
    var isNaN: Bool { get }
    /// Normalizes a zero bound as the spec asks (-0.0 for min, +0.0 for max); identity for integers.
    func normalizedZero(forMin: Bool) -> Self
    /// Appends the values DELTA_BINARY_PACKED; false for types that encoding does not cover.
    static func appendDeltaBinaryPacked(_ values: UnsafeBufferPointer<Self>, into body: inout [UInt8]) -> Bool
}

extension FixedWidthValue where Self: FixedWidthInteger & SignedInteger {
    static func appendDeltaBinaryPacked(_ values: UnsafeBufferPointer<Self>, into body: inout [UInt8]) -> Bool {
        DeltaBinaryPackedEncoder.encode(values, into: &body)
        return true
    }
}

extension Int32: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Int32]? {
        if case .int32s(let v) = column { return v } else { return nil }
    }
    @inline(__always) var isNaN: Bool { false }
    @inline(__always) func normalizedZero(forMin: Bool) -> Int32 { self }
}

extension Int64: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Int64]? {
        if case .int64s(let v) = column { return v } else { return nil }
    }
    @inline(__always) var isNaN: Bool { false }
    @inline(__always) func normalizedZero(forMin: Bool) -> Int64 { self }
}

extension Double: FixedWidthValue {
    static func values(in column: ColumnValues) -> [Double]? {
        if case .doubles(let v) = column { return v } else { return nil }
    }
    @inline(__always) func normalizedZero(forMin: Bool) -> Double {
        self == 0 ? (forMin ? -0.0 : 0.0) : self
    }
    static func appendDeltaBinaryPacked(_ values: UnsafeBufferPointer<Double>, into body: inout [UInt8]) -> Bool { false }
}

/// Running min/max of fixed-width values, NaN excluded and counted.
struct FixedWidthBounds<T: FixedWidthValue> {
    var min: T?
    var max: T?
    var nanCount: Int64 = 0

    @_specialize(where T == Int32)
    @_specialize(where T == Int64)
    @_specialize(where T == Double)
    mutating func update(_ values: UnsafeBufferPointer<T>) {
        guard !values.isEmpty else { return }
        var lo: T? = min, hi: T? = max
        var nans: Int64 = 0
        var i = 0
        // Seed from the first non-NaN value so the loop compares without optionals.
        if lo == nil {
            while i < values.count && values[i].isNaN { nans += 1; i += 1 }
            if i < values.count { lo = values[i]; hi = values[i] }
        }
        if var l = lo, var h = hi {
            while i < values.count {
                let v = values[i]
                if v.isNaN {
                    nans &+= 1
                } else {
                    if v < l { l = v }
                    if v > h { h = v }
                }
                i &+= 1
            }
            lo = l
            hi = h
        }
        min = lo
        max = hi
        nanCount += nans
    }

    mutating func merge(_ other: FixedWidthBounds<T>) {
        if let m = other.min, min == nil || m < min! { min = m }
        if let m = other.max, max == nil || m > max! { max = m }
        nanCount += other.nanCount
    }

    func statistics(isFloatingPoint: Bool) -> ValueStatistics {
        func bytes(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        return ValueStatistics(
            min: min.map { bytes($0.normalizedZero(forMin: true)) },
            max: max.map { bytes($0.normalizedZero(forMin: false)) },
            nanCount: isFloatingPoint ? nanCount : nil,
            signedOrder: true)
    }
}

/// Encodes INT32, INT64 and DOUBLE columns: RLE_DICTIONARY while it pays, PLAIN otherwise.
final class FixedWidthValueEncoder<T: FixedWidthValue>: ValueEncoder {
    private var buffer: [T] = []
    private var dictionary = FixedWidthDictionary<T>()
    private var state: DictionaryState
    private var dictionaryPages = 0
    private var indices: [UInt32] = []
    private var chunkBounds = FixedWidthBounds<T>()
    private var distinctValuesDominated = false
    private let dictionaryEnabled: Bool
    private let dictionaryPageLimit: Int
    private let isFloatingPoint: Bool
    private let deltaEncodingEnabled: Bool

    init(dictionaryEnabled: Bool, dictionaryPageLimit: Int, isFloatingPoint: Bool, deltaEncoding: Bool) {
        self.dictionaryEnabled = dictionaryEnabled
        self.dictionaryPageLimit = dictionaryPageLimit
        self.isFloatingPoint = isFloatingPoint
        deltaEncodingEnabled = deltaEncoding && !isFloatingPoint
        state = dictionaryEnabled ? .undecided : .disabled
    }

    var bufferedBytes: Int { buffer.count * MemoryLayout<T>.size }
    var bufferedCount: Int { buffer.count }

    @_specialize(where T == Int32)
    @_specialize(where T == Int64)
    @_specialize(where T == Double)
    func append(_ values: ColumnValues, validity: UnsafeBufferPointer<UInt8>?, rows: Range<Int>) throws(ParquetError) {
        guard let array = T.values(in: values) else {
            throw .schemaMismatch("a column holds \(values.storage) values where \(T.self) was expected")
        }
        array.withUnsafeBufferPointer { source in
            guard let validity else {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: source[rows]))
                return
            }
            buffer.reserveCapacity(buffer.count + rows.count)
            for row in rows where validity[row] != 0 { buffer.append(source[row]) }
        }
    }

    @_specialize(where T == Int32)
    @_specialize(where T == Int64)
    @_specialize(where T == Double)
    func encodePage(into body: inout [UInt8]) -> EncodedPage {
        defer { buffer.removeAll(keepingCapacity: true) }
        var bounds = FixedWidthBounds<T>()
        buffer.withUnsafeBufferPointer { bounds.update($0) }
        chunkBounds.merge(bounds)
        let statistics = bounds.statistics(isFloatingPoint: isFloatingPoint)
        if state == .undecided || state == .dictionary {
            let entriesBefore = dictionary.count
            indices.removeAll(keepingCapacity: true)
            indices.reserveCapacity(buffer.count)
            for value in buffer { indices.append(dictionary.index(of: value)) }
            let added = dictionary.count - entriesBefore
            let paysOff = state == .dictionary || Double(added) <= Double(buffer.count) * dictionaryDistinctRatioLimit
            if paysOff && dictionary.plainByteSize <= dictionaryPageLimit {
                state = .dictionary
                dictionaryPages += 1
                appendDictionaryIndices(indices, dictionaryCount: dictionary.count, into: &body)
                return EncodedPage(encoding: .rleDictionary, valueCount: buffer.count, statistics: statistics)
            }
            state = .plain
            distinctValuesDominated = !paysOff
            if dictionaryPages == 0 { dictionary = FixedWidthDictionary<T>() }
        }
        if let encoding = appendDeltaIfSmaller(into: &body) {
            return EncodedPage(encoding: encoding, valueCount: buffer.count, statistics: statistics)
        }
        buffer.withUnsafeBufferPointer { body.appendRaw($0) }
        return EncodedPage(encoding: .plain, valueCount: buffer.count, statistics: statistics)
    }

    /// Integers that are sorted or close together go DELTA_BINARY_PACKED when that is
    /// smaller than PLAIN; returns nil (nothing appended) otherwise.
    private func appendDeltaIfSmaller(into body: inout [UInt8]) -> Encoding? {
        guard deltaEncodingEnabled, !buffer.isEmpty else { return nil }
        let mark = body.count
        let plainSize = buffer.count * MemoryLayout<T>.size
        let encoded = buffer.withUnsafeBufferPointer { T.appendDeltaBinaryPacked($0, into: &body) }
        if encoded && body.count - mark < plainSize * 3 / 4 { return .deltaBinaryPacked }
        body.removeSubrange(mark...)
        return nil
    }

    func dictionaryPage() -> (count: Int, body: [UInt8])? {
        guard dictionaryPages > 0 else { return nil }
        var body: [UInt8] = []
        body.reserveCapacity(dictionary.plainByteSize)
        dictionary.entries.withUnsafeBufferPointer { body.appendRaw($0) }
        return (dictionary.count, body)
    }

    func chunkStatistics() -> ValueStatistics { chunkBounds.statistics(isFloatingPoint: isFloatingPoint) }

    func resetChunk() {
        buffer.removeAll(keepingCapacity: true)
        dictionary = FixedWidthDictionary<T>()
        dictionaryPages = 0
        chunkBounds = FixedWidthBounds<T>()
        // A column whose values were mostly distinct stays PLAIN in later row groups
        // instead of paying to hash a page again.
        if state != .plain || !distinctValuesDominated { state = dictionaryEnabled ? .undecided : .disabled }
        distinctValuesDominated = false
    }
}
