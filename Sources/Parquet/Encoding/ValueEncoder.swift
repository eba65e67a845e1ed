import Columnar

/// Min/max (PLAIN-encoded) and NaN count of the values seen, as page or chunk statistics.
struct ValueStatistics {
    var min: [UInt8]?
    var max: [UInt8]?
    var nanCount: Int64?
    /// Whether the deprecated signed-order `min`/`max` fields may carry the same values.
    var signedOrder: Bool
}

struct EncodedPage {
    var encoding: Encoding
    var valueCount: Int
    var statistics: ValueStatistics
}

/// Buffers one column's non-null values for the current data page and encodes them,
/// owning the chunk's dictionary and statistics.
protocol ValueEncoder: AnyObject {
    func append(_ values: ColumnValues, validity: UnsafeBufferPointer<UInt8>?, rows: Range<Int>) throws(ParquetError)
    /// PLAIN-encoded size of the buffered values: what decides when a page is full.
    var bufferedBytes: Int { get }
    var bufferedCount: Int { get }
    /// Encodes the buffered values as a page body appended to `body`, then clears them.
    func encodePage(into body: inout [UInt8]) -> EncodedPage
    /// The PLAIN dictionary page body when any data page of the chunk used the dictionary.
    func dictionaryPage() -> (count: Int, body: [UInt8])?
    func chunkStatistics() -> ValueStatistics
    /// Forgets the dictionary and statistics: the next values start a new column chunk.
    func resetChunk()
}

/// How a chunk's values are being encoded.
enum DictionaryState {
    /// No page written yet: the first page decides whether a dictionary pays.
    case undecided
    case dictionary
    /// PLAIN from now on, either because the dictionary did not pay or grew past its limit.
    case plain
    case disabled
}

/// Dictionary encoding is abandoned on the first page when more than this share of
/// its values are distinct (hashing them would cost time and save no space).
let dictionaryDistinctRatioLimit = 0.75

/// Bit width of dictionary indices for `count` entries (at least 1, as readers expect).
@inline(__always)
func indexBitWidth(forDictionaryCount count: Int) -> Int {
    Swift.max(1, bitWidth(of: UInt64(Swift.max(count - 1, 0))))
}

func appendDictionaryIndices(_ indices: [UInt32], dictionaryCount: Int, into body: inout [UInt8]) {
    let width = indexBitWidth(forDictionaryCount: dictionaryCount)
    body.append(UInt8(width))
    indices.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: width, into: &body) }
}
