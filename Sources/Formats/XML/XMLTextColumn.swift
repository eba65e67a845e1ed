import Platform

/// One column's text for the rows of the current batch, before typing. Empty text is null.
/// Rows are appended through raw buffers (this is per value on the hot path); `data` and
/// `offsets` copy them out once per batch.
final class XMLTextColumn {
    let name: String
    private let bytes = ByteBuffer(capacity: 1 << 14)
    private var ends: UnsafeMutablePointer<Int32>
    private var rowCapacity: Int
    private(set) var count = 0

    init(name: String, nullRows: Int = 0) {
        self.name = name
        rowCapacity = Swift.max(1024, nullRows)
        ends = .allocate(capacity: rowCapacity)
        ends.initialize(repeating: 0, count: nullRows)
        count = nullRows
    }

    deinit { ends.deallocate() }

    @inline(__always)
    func appendNull() {
        if count == rowCapacity { grow() }
        ends[count] = Int32(truncatingIfNeeded: bytes.count)
        count += 1
    }

    @inline(__always)
    func append(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(value)
        appendNull()
    }

    /// Text bytes of the batch so far.
    var byteCount: Int { bytes.count }

    /// Empties the column for the next batch.
    func reset() {
        bytes.truncate(to: 0)
        count = 0
    }

    /// Bytes of row `row`.
    func value(_ row: Int) -> UnsafeBufferPointer<UInt8> {
        bytes.bytes(row == 0 ? 0 : Int(ends[row - 1]), Int(ends[row]))
    }

    var data: [UInt8] { Array(bytes.all) }

    var offsets: [Int32] {
        [Int32](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            buffer[0] = 0
            if count > 0 { (buffer.baseAddress! + 1).update(from: ends, count: count) }
            initialized = count + 1
        }
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: rowCapacity * 2)
        bigger.update(from: ends, count: count)
        ends.deallocate()
        ends = bigger
        rowCapacity *= 2
    }
}
