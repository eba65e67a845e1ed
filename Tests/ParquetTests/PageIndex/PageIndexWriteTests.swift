import Columnar
import Foundation
import Testing

@testable import Parquet

/// Files written with small pages carry a page index and bloom filters that point at the
/// right bytes; the values still read back through pyarrow and DuckDB.
@Suite struct PageIndexWriteTests {
    static let rows = 5_000

    static var table: TestTable {
        TestTable(columns: [
            .int64("id", (0..<rows).map { Int64($0) }),
            .string("name", (0..<rows).map { $0 % 11 == 0 ? nil : "name-\($0 % 700)" }),
            .double("x", (0..<rows).map { Double($0 % 97) / 4 }),
            .boolean("flag", (0..<rows).map { $0 % 3 == 0 }),
            .decimal("d", precision: 30, scale: 2, (0..<rows).map { Int128($0) - 2_500 }),
            .int32("empty", (0..<rows).map { _ in nil }),
        ])
    }

    static func write(_ name: String, options: WriterOptions) throws -> (path: String, metadata: FileMetaData, bytes: [UInt8]) {
        let path = temporaryPath(name)
        let metadata = try table.write(to: path, options: options, batchRows: 1_500)
        return (path, metadata, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    static func decode(_ bytes: [UInt8], offset: Int64?, length: Int32?) throws -> [Int16: ThriftValue] {
        let start = Int(try #require(offset)), count = Int(try #require(length))
        return try Array(bytes[start..<(start + count)]).withUnsafeBytes { raw in
            var reader = CompactProtocolReader(raw)
            return try reader.readStruct()
        }
    }

    @Test func everyChunkHasAnOffsetIndexThatPointsAtItsPages() throws {
        let options = WriterOptions(rowGroupRows: 2_000, pageBytes: 2_048, dictionaryEnabled: false)
        let (path, metadata, bytes) = try Self.write("page-index.parquet", options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(metadata.rowGroups.count == 3)
        for group in metadata.rowGroups {
            for chunk in group.columns {
                let offsetIndex = try Self.decode(bytes, offset: chunk.offsetIndexOffset, length: chunk.offsetIndexLength)
                let locations = try #require(offsetIndex[1]?.list).compactMap(\.fields)
                #expect(locations.first?[1]?.int == chunk.metaData.dataPageOffset)
                #expect(locations.first?[3]?.int == 0)
                // Pages are back to back and end where the chunk ends.
                var end = chunk.metaData.dataPageOffset
                for location in locations {
                    #expect(location[1]?.int == end)
                    end += try #require(location[2]?.int)
                }
                #expect(end == chunk.fileOffset + chunk.metaData.totalCompressedSize)
                // The index data sits after the last row group, before the footer.
                #expect(try #require(chunk.offsetIndexOffset) > metadata.rowGroups.last!.fileOffset!)
            }
            // The all-null column and the others have a ColumnIndex with one entry per page.
            let ids = group.columns[0]
            let columnIndex = try Self.decode(bytes, offset: ids.columnIndexOffset, length: ids.columnIndexLength)
            #expect(columnIndex[4]?.int == Int64(BoundaryOrder.ascending.rawValue))
            let empty = try Self.decode(
                bytes, offset: group.columns[5].columnIndexOffset, length: group.columns[5].columnIndexLength)
            #expect(try #require(empty[1]?.list).allSatisfy { $0.bool == true })
        }
        try IndependentReader.check(Self.table.expectation(path: path))
    }

    @Test func bloomFiltersAreWrittenForTheNamedColumnsOnly() throws {
        let options = WriterOptions(rowGroupRows: 2_000, bloomFilterColumns: .named(["name", "flag"]))
        let (path, metadata, bytes) = try Self.write("bloom.parquet", options: options)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for group in metadata.rowGroups {
            let names = group.columns[1].metaData
            let header = try Self.decode(bytes, offset: names.bloomFilterOffset, length: names.bloomFilterLength)
            let size = try #require(header[1]?.int)
            #expect(Int64(try #require(names.bloomFilterLength)) > size)
            #expect(group.columns[3].metaData.bloomFilterOffset == nil)  // BOOLEAN: no filter
            #expect(group.columns[0].metaData.bloomFilterOffset == nil)  // not named
        }
        try IndependentReader.check(Self.table.expectation(path: path))
    }

    @Test func anUnknownBloomFilterColumnIsRefused() {
        #expect(throws: ParquetError.invalidOptions("no column is named 'nope', so it cannot have a bloom filter; name columns of the input ('id', 'name', 'x', 'flag', 'd', 'empty') or all of them")) {
            try Self.table.write(to: temporaryPath("bloom-unknown.parquet"), options: WriterOptions(bloomFilterColumns: .named(["nope"])))
        }
    }

    @Test func thePageIndexCanBeLeftOut() throws {
        let (path, metadata, _) = try Self.write("no-page-index.parquet", options: WriterOptions(pageIndex: false))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(metadata.rowGroups[0].columns.allSatisfy { $0.offsetIndexOffset == nil && $0.columnIndexOffset == nil })
    }
}
