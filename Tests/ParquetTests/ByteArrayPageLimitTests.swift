import Columnar
import Foundation
import Parquet
import Testing

/// A byte-array column's page buffer stays under `byteArrayPageLimit` (in production
/// 1 GiB, so that its 32-bit offsets and page sizes cannot overflow): here a small limit
/// is injected and the writer must end pages early, never overshoot, and refuse a single
/// value larger than the limit with an error instead of a trap.
@Suite struct ByteArrayPageLimitTests {
    static let limit = 4096

    /// Data pages of the first column chunk, from the footer's page encoding statistics.
    static func dataPages(_ metadata: FileMetaData) -> Int {
        metadata.rowGroups[0].columns[0].metaData.encodingStats
            .filter { !$0.dictionaryPage }
            .reduce(0) { $0 + Int($1.count) }
    }

    @Test func valuesPastTheLimitEndThePageFirst() throws {
        // 300 values of 100 bytes (with nulls): about 30 KB, so at least 8 pages of 4 KiB,
        // where the ordinary 1 MiB page size alone would make one.
        let values: [String?] = (0..<300).map { $0 % 17 == 0 ? nil : "v\($0)-" + String(repeating: "x", count: 95) }
        let table = TestTable(columns: [.string("s", values)])
        let path = temporaryPath("byte-array-page-limit.parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let metadata = try table.write(
            to: path, options: WriterOptions(dictionaryEnabled: false, byteArrayPageLimit: Self.limit), batchRows: 1000)
        #expect(Self.dataPages(metadata) >= 8)
        try IndependentReader.check(table.expectation(path: path))
    }

    @Test func aValueLargerThanTheLimitIsAnError() throws {
        let table = TestTable(columns: [.string("s", ["small", String(repeating: "y", count: Self.limit + 1)])])
        let path = temporaryPath("byte-array-too-large.parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ParquetError.valueTooLarge(column: "s", bytes: Self.limit + 1)) {
            try table.write(to: path, options: WriterOptions(dictionaryEnabled: false, byteArrayPageLimit: Self.limit))
        }
    }
}
