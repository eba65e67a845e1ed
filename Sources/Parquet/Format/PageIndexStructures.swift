// The page index (PageIndex.md in parquet-format): per column chunk, a ColumnIndex with
// each page's bounds and an OffsetIndex with each page's place, so that readers skip pages.

/// How the pages' bounds are ordered, which lets readers bisect instead of scanning.
public enum BoundaryOrder: Int32, Sendable {
    case unordered = 0
    case ascending = 1
    case descending = 2
}

public struct ColumnIndex: Sendable, Hashable {
    /// Per page: true when every value is null (its bounds are then empty).
    public var nullPages: [Bool]
    /// Per page: PLAIN-encoded lower and upper bounds.
    public var minValues: [[UInt8]]
    public var maxValues: [[UInt8]]
    public var boundaryOrder: BoundaryOrder
    public var nullCounts: [Int64]
}

public struct PageLocation: Sendable, Hashable {
    /// Absolute file offset of the page header.
    public var offset: Int64
    /// Header plus compressed body.
    public var compressedPageSize: Int32
    /// Index of the page's first row within the row group.
    public var firstRowIndex: Int64
}

public struct OffsetIndex: Sendable, Hashable {
    public var pageLocations: [PageLocation]
}

extension ColumnIndex {
    func encode() -> [UInt8] {
        var w = CompactProtocolWriter()
        w.beginStruct()
        w.field(1, bools: nullPages)
        w.field(2, binaries: minValues)
        w.field(3, binaries: maxValues)
        w.field(4, i32: boundaryOrder.rawValue)
        w.field(5, i64s: nullCounts)
        w.endStruct()
        return w.bytes
    }
}

extension OffsetIndex {
    func encode() -> [UInt8] {
        var w = CompactProtocolWriter()
        w.beginStruct()
        w.field(1, structs: pageLocations) { w, page in
            w.field(1, i64: page.offset)
            w.field(2, i32: page.compressedPageSize)
            w.field(3, i64: page.firstRowIndex)
        }
        w.endStruct()
        return w.bytes
    }
}
