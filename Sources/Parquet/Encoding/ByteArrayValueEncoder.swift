import Platform
import Columnar

/// Unsigned byte-wise comparison, the sort order of UTF-8 strings and binary values.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = Swift.min(a.count, b.count)
    if common > 0 {
        let result = memcmp(a.baseAddress!, b.baseAddress!, common)
        if result != 0 { return Int(result) }
    }
    return a.count - b.count
}

/// Statistics above this size are left out (as pyarrow does) rather than bloating every page header.
let maxStatisticsValueSize = 4096

/// Running byte-wise min/max of byte strings.
struct ByteArrayBounds {
    var min: [UInt8]?
    var max: [UInt8]?

    mutating func update(_ value: UnsafeRawBufferPointer) {
        if let current = min {
            if current.withUnsafeBytes({ compareBytes(value, $0) }) < 0 { min = Array(value) }
        } else {
            min = Array(value)
        }
        if let current = max {
            if current.withUnsafeBytes({ compareBytes(value, $0) }) > 0 { max = Array(value) }
        } else {
            max = Array(value)
        }
    }

    mutating func merge(_ other: ByteArrayBounds) {
        if let m = other.min { m.withUnsafeBytes { update($0) } }
        if let m = other.max { m.withUnsafeBytes { update($0) } }
    }

    var statistics: ValueStatistics {
        guard let min, let max, min.count <= maxStatisticsValueSize, max.count <= maxStatisticsValueSize else {
            return ValueStatistics(min: nil, max: nil, nanCount: nil, signedOrder: false)
        }
        return ValueStatistics(min: min, max: max, nanCount: nil, signedOrder: false)
    }
}

/// Encodes BYTE_ARRAY columns (strings, binary): RLE_DICTIONARY while it pays, PLAIN otherwise.
final class ByteArrayValueEncoder: ValueEncoder {
    private var offsets: [Int32] = [0]
    private var data: [UInt8] = []
    private var dictionary = ByteArrayDictionary()
    private var state: DictionaryState
    private var dictionaryPages = 0
    private var indices: [UInt32] = []
    /// Per dictionary entry, the page number that last saw it: page statistics then
    /// compare each distinct value once instead of every row.
    private var seenInPage: [UInt32] = []
    private var pageNumber: UInt32 = 0
    private var chunkBounds = ByteArrayBounds()
    private var distinctValuesDominated = false
    private let dictionaryEnabled: Bool
    private let dictionaryPageLimit: Int
    private let columnName: String

    init(columnName: String, dictionaryEnabled: Bool, dictionaryPageLimit: Int) {
        self.columnName = columnName
        self.dictionaryEnabled = dictionaryEnabled
        self.dictionaryPageLimit = dictionaryPageLimit
        state = dictionaryEnabled ? .undecided : .disabled
    }

    var bufferedCount: Int { offsets.count - 1 }
    var bufferedBytes: Int { data.count + 4 * bufferedCount }

    func append(_ values: ColumnValues, validity: UnsafeBufferPointer<UInt8>?, rows: Range<Int>) throws(ParquetError) {
        guard case .bytes(let arrays) = values else {
            throw .schemaMismatch("a column holds \(values.storage) values where byte arrays were expected")
        }
        guard !rows.isEmpty else { return }
        arrays.offsets.withUnsafeBufferPointer { srcOffsets in
            arrays.data.withUnsafeBufferPointer { srcData in
                if validity == nil {
                    // Contiguous rows: one copy of the bytes, offsets shifted.
                    let first = Int(srcOffsets[rows.lowerBound]), last = Int(srcOffsets[rows.upperBound])
                    let shift = Int32(data.count) - Int32(first)
                    data.append(contentsOf: UnsafeBufferPointer(rebasing: srcData[first..<last]))
                    offsets.reserveCapacity(offsets.count + rows.count)
                    for row in rows { offsets.append(srcOffsets[row + 1] &+ shift) }
                } else {
                    let validity = validity!
                    for row in rows where validity[row] != 0 {
                        let start = Int(srcOffsets[row]), end = Int(srcOffsets[row + 1])
                        data.append(contentsOf: UnsafeBufferPointer(rebasing: srcData[start..<end]))
                        offsets.append(Int32(data.count))
                    }
                }
            }
        }
        if data.count > Int(Int32.max) / 2 {
            throw .valueTooLarge(column: columnName, bytes: data.count)
        }
    }

    func encodePage(into body: inout [UInt8]) -> EncodedPage {
        defer {
            offsets.removeAll(keepingCapacity: true)
            offsets.append(0)
            data.removeAll(keepingCapacity: true)
        }
        let count = bufferedCount
        if state == .undecided || state == .dictionary {
            if let page = encodeWithDictionary(count: count, into: &body) { return page }
        }
        var bounds = ByteArrayBounds()
        body.reserveCapacity(body.count + bufferedBytes)
        offsets.withUnsafeBufferPointer { offsets in
            data.withUnsafeBytes { bytes in
                for i in 0..<count {
                    let start = Int(offsets[i]), end = Int(offsets[i + 1])
                    let value = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                    bounds.update(value)
                    body.appendLittleEndian(UInt32(end - start))
                    body.append(contentsOf: value)
                }
            }
        }
        chunkBounds.merge(bounds)
        return EncodedPage(encoding: .plain, valueCount: count, statistics: bounds.statistics)
    }

    /// Returns nil (and switches to PLAIN) when the dictionary does not pay or overflows.
    private func encodeWithDictionary(count: Int, into body: inout [UInt8]) -> EncodedPage? {
        let entriesBefore = dictionary.count
        indices.removeAll(keepingCapacity: true)
        indices.reserveCapacity(count)
        offsets.withUnsafeBufferPointer { offsets in
            data.withUnsafeBytes { bytes in
                for i in 0..<count {
                    let start = Int(offsets[i]), end = Int(offsets[i + 1])
                    indices.append(dictionary.index(of: UnsafeRawBufferPointer(rebasing: bytes[start..<end])))
                }
            }
        }
        let added = dictionary.count - entriesBefore
        let paysOff = state == .dictionary || Double(added) <= Double(count) * dictionaryDistinctRatioLimit
        guard paysOff && dictionary.plainByteSize <= dictionaryPageLimit else {
            state = .plain
            distinctValuesDominated = !paysOff
            if dictionaryPages == 0 { dictionary = ByteArrayDictionary() }
            return nil
        }
        state = .dictionary
        dictionaryPages += 1
        pageNumber &+= 1
        if seenInPage.count < dictionary.count {
            seenInPage.append(contentsOf: repeatElement(0, count: dictionary.count - seenInPage.count))
        }
        var bounds = ByteArrayBounds()
        for index in indices where seenInPage[Int(index)] != pageNumber {
            seenInPage[Int(index)] = pageNumber
            dictionary.withEntry(Int(index)) { bounds.update($0) }
        }
        chunkBounds.merge(bounds)
        appendDictionaryIndices(indices, dictionaryCount: dictionary.count, into: &body)
        return EncodedPage(encoding: .rleDictionary, valueCount: count, statistics: bounds.statistics)
    }

    func dictionaryPage() -> (count: Int, body: [UInt8])? {
        guard dictionaryPages > 0 else { return nil }
        var body: [UInt8] = []
        body.reserveCapacity(dictionary.plainByteSize)
        for i in 0..<dictionary.count {
            dictionary.withEntry(i) { entry in
                body.appendLittleEndian(UInt32(entry.count))
                body.append(contentsOf: entry)
            }
        }
        return (dictionary.count, body)
    }

    func chunkStatistics() -> ValueStatistics { chunkBounds.statistics }

    func resetChunk() {
        offsets = [0]
        data.removeAll(keepingCapacity: true)
        dictionary = ByteArrayDictionary()
        dictionaryPages = 0
        seenInPage.removeAll()
        pageNumber = 0
        chunkBounds = ByteArrayBounds()
        // A column whose values were mostly distinct stays PLAIN in later row groups.
        if state != .plain || !distinctValuesDominated { state = dictionaryEnabled ? .undecided : .disabled }
        distinctValuesDominated = false
    }
}
