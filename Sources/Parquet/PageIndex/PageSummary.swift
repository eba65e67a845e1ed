/// What the page index needs to know of one written data page.
struct PageSummary {
    /// Header plus compressed body.
    var size: Int
    var rows: Int
    var nulls: Int
    /// PLAIN-encoded bounds of the page's non-null values; nil when the page has none or
    /// when they were left out (over-long byte arrays, only NaNs).
    var min: [UInt8]?
    var max: [UInt8]?
    var nanCount: Int64?
}

/// Builds a column chunk's OffsetIndex and ColumnIndex from its page summaries.
enum ChunkPageIndex {
    /// Page locations for pages laid out back to back from `firstPageOffset`.
    static func offsetIndex(_ pages: [PageSummary], firstPageOffset: Int64) -> OffsetIndex {
        var locations: [PageLocation] = []
        locations.reserveCapacity(pages.count)
        var offset = firstPageOffset
        var firstRow: Int64 = 0
        for page in pages {
            locations.append(PageLocation(offset: offset, compressedPageSize: Int32(page.size), firstRowIndex: firstRow))
            offset += Int64(page.size)
            firstRow += Int64(page.rows)
        }
        return OffsetIndex(pageLocations: locations)
    }

    /// The pages' bounds, or nil when some page with values has no bounds or holds a NaN:
    /// a reader would then skip a page it needs (parquet-mr drops the index likewise).
    static func columnIndex(_ pages: [PageSummary], type: PhysicalType) -> ColumnIndex? {
        var index = ColumnIndex(nullPages: [], minValues: [], maxValues: [], boundaryOrder: .unordered, nullCounts: [])
        for page in pages {
            let allNull = page.nulls == page.rows
            if !allNull {
                guard page.min != nil, page.max != nil, (page.nanCount ?? 0) == 0 else { return nil }
            }
            index.nullPages.append(allNull)
            index.minValues.append(allNull ? [] : page.min!)
            index.maxValues.append(allNull ? [] : page.max!)
            index.nullCounts.append(Int64(page.nulls))
        }
        index.boundaryOrder = boundaryOrder(index, type: type)
        return index
    }

    /// ASCENDING when neither bound ever decreases from one non-null page to the next,
    /// DESCENDING when neither increases, otherwise UNORDERED.
    static func boundaryOrder(_ index: ColumnIndex, type: PhysicalType) -> BoundaryOrder {
        var ascending = true, descending = true
        var previous: Int?
        for page in index.nullPages.indices where !index.nullPages[page] {
            if let last = previous {
                let minOrder = PlainValueOrder.compare(index.minValues[last], index.minValues[page], type: type)
                let maxOrder = PlainValueOrder.compare(index.maxValues[last], index.maxValues[page], type: type)
                if minOrder > 0 || maxOrder > 0 { ascending = false }
                if minOrder < 0 || maxOrder < 0 { descending = false }
                if !ascending && !descending { return .unordered }
            }
            previous = page
        }
        return ascending ? .ascending : descending ? .descending : .unordered
    }
}

/// A chunk's page index, serialized; the ColumnIndex is nil when the chunk's bounds cannot be indexed.
struct ChunkPageIndexBytes {
    var columnIndex: [UInt8]?
    var offsetIndex: [UInt8]

    init(_ pages: [PageSummary], firstPageOffset: Int64, type: PhysicalType) {
        columnIndex = ChunkPageIndex.columnIndex(pages, type: type)?.encode()
        offsetIndex = ChunkPageIndex.offsetIndex(pages, firstPageOffset: firstPageOffset).encode()
    }
}
