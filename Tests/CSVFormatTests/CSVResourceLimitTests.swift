import TestSupport
import Foundation
import Testing
@testable import FormatKit
@testable import CSVFormat

/// `ResourceLimits` as the CSV reader keeps them: columns, record size, batch cells.
@Suite struct CSVResourceLimitTests {
    private func refusal(_ path: String, _ options: CSVOptions = CSVOptions()) -> String? {
        do {
            _ = try readAll(path, options)
            return nil
        } catch {
            return (error as? ConversionError)?.description
        }
    }

    @Test func aHeaderWiderThanTheColumnLimitIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        let header = (0...ResourceLimits.maxColumns).map { "c\($0)" }.joined(separator: ",")
        let path = try writeFile(dir, "wide.csv", Array((header + "\n").utf8))
        let message = try #require(refusal(path))
        #expect(message.contains("'\(path)' is malformed at line 1"))
        #expect(message.contains("more than 16384 columns"))
    }

    @Test func aTableAtTheColumnLimitIsReadInBatchesOfBoundedCells() throws {
        let dir = try makeTemporaryDirectory()
        let columns = ResourceLimits.maxColumns
        var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        let row = (0..<columns).map { _ in "1" }.joined(separator: ",") + "\n"
        for _ in 0..<300 { text += row }
        let (schema, batches, _) = try readAll(try writeFile(dir, "widest.csv", Array(text.utf8)))
        #expect(schema.fields.count == columns)
        #expect(batches.map(\.rowCount).reduce(0, +) == 300)
        // 4 Mi cells per batch over 16,384 columns: 256 rows.
        #expect(batches.allSatisfy { $0.rowCount * columns <= ResourceLimits.batchCells })
    }

    @Test func aRecordLongerThanMaxRecordBytesIsRefusedWithTheFlag() throws {
        let dir = try makeTemporaryDirectory()
        let text = "id,text\n1,short\n2," + String(repeating: "x", count: 3 << 20) + "\n"
        let path = try writeFile(dir, "long.csv", Array(text.utf8))
        var options = CSVOptions()
        options.maxRecordBytes = 1 << 20
        let message = try #require(refusal(path, options))
        #expect(message.contains("line 3"))
        #expect(message.contains("longer than 1 MiB") && message.contains("--max-record-bytes"))
        // The default limit reads it.
        let (_, batches, _) = try readAll(path)
        #expect(batches.map(\.rowCount).reduce(0, +) == 2)
    }

    @Test func aLineThatNeverEndsIsRefusedAtTheLimitNotReadWhole() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "endless.csv", [UInt8](repeating: 0x61, count: 3 << 20))
        var options = CSVOptions()
        options.maxRecordBytes = 1 << 20
        let message = try #require(refusal(path, options))
        #expect(message.contains("line 1") && message.contains("longer than 1 MiB"))
    }

    @Test func theChunkBufferStopsGrowingAtItsLimit() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "bytes.csv", [UInt8](repeating: 0x61, count: 16))
        let buffer = ChunkBuffer(source: UTF8ByteSource(stream: try InputCompression.open(path)), capacity: 1 << 16, limit: 1 << 18)
        #expect(buffer.grow() && buffer.capacity == 1 << 17)
        #expect(buffer.grow() && buffer.capacity == 1 << 18)
        #expect(!buffer.grow() && buffer.capacity == 1 << 18)
    }
}
