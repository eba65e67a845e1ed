import TestSupport
import Columnar
import Foundation
@testable import DBaseFormat
import Testing
@testable import FormatKit

/// Memo reads are bounded by the memo file: its size caps each memo and, summed, a field's memos.
@Suite struct DBaseMemoBoundsTests {
    /// A dBase III table (version 0x83) whose `count` records all point at memo block `block`.
    private func table(records count: Int, block: Int) -> [UInt8] {
        let headerLength = 32 + 32 + 1, recordLength = 1 + 10
        var bytes = [UInt8](repeating: 0, count: headerLength)
        bytes[0] = 0x83
        bytes[4] = UInt8(count & 0xFF); bytes[5] = UInt8(count >> 8 & 0xFF)
        bytes[8] = UInt8(headerLength); bytes[10] = UInt8(recordLength)
        for (j, c) in "NOTE".utf8.enumerated() { bytes[32 + j] = c }
        bytes[32 + 11] = UInt8(ascii: "M"); bytes[32 + 16] = 10
        bytes[headerLength - 1] = 0x0D
        let field = Array(String(block).utf8)
        for _ in 0..<count { bytes += [0x20] + [UInt8](repeating: 0x20, count: 10 - field.count) + field }
        return bytes + [0x1A]
    }

    private func readAll(_ directory: URL) throws -> [RecordBatch] {
        let reader = try DBaseSource(path: directory.path + "/t.dbf", options: DBaseOptions()).openReader(schema: nil, progress: nil)
        var batches: [RecordBatch] = []
        while case .batch(let batch) = try reader.next() { batches.append(batch) }
        return batches
    }

    @Test func recordsPointingAtOneMemoAgainAndAgainAreRefused() throws {
        // A 1 MiB memo read by 80 records: 80 MiB from a 1 MiB file.
        let directory = try makeTemporaryDirectory()
        _ = try writeFile(directory, "t.dbt", [2, 0, 0, 0] + [UInt8](repeating: 0, count: 508) + [UInt8](repeating: 0x41, count: 1 << 20) + [0x1A, 0x1A])
        _ = try writeFile(directory, "t.dbf", table(records: 80, block: 1))
        #expect { try readAll(directory) } throws: { error in
            (error as? ConversionError)?.description.contains("point at the same memo again and again") == true
        }
    }

    @Test func memosWithinTheFileAreRead() throws {
        let directory = try makeTemporaryDirectory()
        _ = try writeFile(directory, "t.dbt", [2, 0, 0, 0] + [UInt8](repeating: 0, count: 508) + Array("hello".utf8) + [0x1A, 0x1A])
        _ = try writeFile(directory, "t.dbf", table(records: 3, block: 1))
        let batches = try readAll(directory)
        #expect(batches.first?.columns.first?.values == ColumnValues.bytes(ByteArrays(strings: ["hello", "hello", "hello"])))
    }
}
