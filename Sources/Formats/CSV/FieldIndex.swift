/// Where each field of a run of CSV records lies in the chunk buffer: the tokenizer's
/// output and the batch builder's input. Row-major, `columnCount` slots per row.
final class FieldIndex {
    /// A field's text is `buffer[start ..< end]` (quotes excluded).
    public enum Kind: UInt8 {
        case plain = 0
        /// Quoted, no doubled quotes inside.
        case quoted = 1
        /// Quoted with doubled quotes that must be collapsed.
        case quotedEscaped = 2
        /// The record ended before this column (a short, ragged row).
        case missing = 3
    }

    private(set) var columnCount: Int
    private(set) var rowCapacity: Int
    public var rowCount = 0
    private(set) var starts: UnsafeMutablePointer<UInt32>
    private(set) var ends: UnsafeMutablePointer<UInt32>
    private(set) var kinds: UnsafeMutablePointer<UInt8>
    /// Byte offset of each record's first byte, for line numbers in messages.
    private(set) var rowOffsets: UnsafeMutablePointer<UInt32>

    public init(columnCount: Int, rowCapacity: Int) {
        self.columnCount = columnCount
        self.rowCapacity = rowCapacity
        let slots = Swift.max(1, columnCount * rowCapacity)
        starts = .allocate(capacity: slots)
        ends = .allocate(capacity: slots)
        kinds = .allocate(capacity: slots)
        rowOffsets = .allocate(capacity: Swift.max(1, rowCapacity))
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        kinds.deallocate()
        rowOffsets.deallocate()
    }

    @inline(__always)
    public func slot(row: Int, column: Int) -> Int { row &* columnCount &+ column }
}
