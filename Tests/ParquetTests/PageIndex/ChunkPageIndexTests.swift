import Testing

@testable import Parquet

@Suite struct ChunkPageIndexTests {
    static func int64(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    static func page(_ min: Int64?, _ max: Int64?, rows: Int = 10, nulls: Int = 0, size: Int = 100) -> PageSummary {
        PageSummary(size: size, rows: rows, nulls: nulls, min: min.map(int64), max: max.map(int64), nanCount: nil)
    }

    @Test func offsetsAndFirstRowsFollowThePages() {
        let pages = [Self.page(1, 2, rows: 5, size: 40), Self.page(3, 4, rows: 7, size: 60), Self.page(5, 6, rows: 1, size: 9)]
        let index = ChunkPageIndex.offsetIndex(pages, firstPageOffset: 1_000)
        #expect(index.pageLocations.map(\.offset) == [1_000, 1_040, 1_100])
        #expect(index.pageLocations.map(\.compressedPageSize) == [40, 60, 9])
        #expect(index.pageLocations.map(\.firstRowIndex) == [0, 5, 12])
    }

    @Test func nullPagesHaveEmptyBoundsAndDoNotBreakTheOrder() throws {
        let pages = [Self.page(-5, 0), Self.page(nil, nil, nulls: 10), Self.page(0, 9, nulls: 3)]
        let index = try #require(ChunkPageIndex.columnIndex(pages, type: .int64))
        #expect(index.nullPages == [false, true, false])
        #expect(index.minValues[1].isEmpty && index.maxValues[1].isEmpty)
        #expect(index.nullCounts == [0, 10, 3])
        #expect(index.boundaryOrder == .ascending)
    }

    @Test func boundaryOrderComparesByType() throws {
        // Signed: -1 sorts before 1 although its bytes are larger.
        #expect(ChunkPageIndex.columnIndex([Self.page(-1, -1), Self.page(1, 1)], type: .int64)?.boundaryOrder == .ascending)
        #expect(ChunkPageIndex.columnIndex([Self.page(5, 9), Self.page(1, 4)], type: .int64)?.boundaryOrder == .descending)
        #expect(ChunkPageIndex.columnIndex([Self.page(1, 9), Self.page(2, 4)], type: .int64)?.boundaryOrder == .unordered)
        // Byte arrays compare unsigned, shorter prefix first.
        func text(_ a: String, _ b: String) -> PageSummary {
            PageSummary(size: 1, rows: 1, nulls: 0, min: Array(a.utf8), max: Array(b.utf8), nanCount: nil)
        }
        #expect(ChunkPageIndex.columnIndex([text("a", "ab"), text("ab", "é")], type: .byteArray)?.boundaryOrder == .ascending)
        // Big-endian two's complement decimals: 0xFF.. (-1) sorts before 0x00.. (0).
        let minusOne = PageSummary(size: 1, rows: 1, nulls: 0, min: [0xFF, 0xFF], max: [0xFF, 0xFF], nanCount: nil)
        let zero = PageSummary(size: 1, rows: 1, nulls: 0, min: [0, 0], max: [0, 1], nanCount: nil)
        #expect(ChunkPageIndex.columnIndex([minusOne, zero], type: .fixedLenByteArray)?.boundaryOrder == .ascending)
        let doubles = [-2.5, 0.5].map { value in
            PageSummary(
                size: 1, rows: 1, nulls: 0, min: Self.int64(Int64(bitPattern: value.bitPattern)),
                max: Self.int64(Int64(bitPattern: value.bitPattern)), nanCount: 0)
        }
        #expect(ChunkPageIndex.columnIndex(doubles, type: .double)?.boundaryOrder == .ascending)
    }

    @Test func aPageWithoutBoundsOrWithNaNDropsTheColumnIndex() {
        #expect(ChunkPageIndex.columnIndex([Self.page(1, 2), Self.page(nil, nil)], type: .int64) == nil)
        var nan = Self.page(1, 2)
        nan.nanCount = 1
        #expect(ChunkPageIndex.columnIndex([nan], type: .double) == nil)
    }
}
