/// One column's text for the rows of the current batch, before typing. Empty text is null.
struct XMLTextColumn {
    let name: String
    var data: [UInt8] = []
    var offsets: [Int32] = [0]

    init(name: String, nullRows: Int = 0) {
        self.name = name
        offsets = [Int32](repeating: 0, count: nullRows + 1)
    }

    var count: Int { offsets.count - 1 }

    @inline(__always)
    mutating func appendNull() {
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    /// Empties the column for the next batch, sized like this one.
    mutating func reset() {
        let rows = offsets.count, bytes = data.count
        data = []
        data.reserveCapacity(bytes)
        offsets = [0]
        offsets.reserveCapacity(rows)
    }
}
