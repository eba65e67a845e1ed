import TestSupport
import Columnar
import Foundation
import Testing

@testable import FormatKit
@testable import CSVFormat

@Suite struct CompressedCSVTests {
    /// The CSV reader sniffs the decompressed head: a `.tsv.zst` whose text would sniff as
    /// comma-separated is still read as tab-separated, as its plain `.tsv` is.
    @Test func compressedTSVReadsAsThePlainFile() throws {
        let dir = try makeTemporaryDirectory()
        var text = "a,b\tc\n"
        for i in 0..<70_000 { text += "\(i),x\t\(i % 5)\n" }
        let plain = try writeFile(dir, "t.tsv", Array(text.utf8))
        let packed = try writeFile(dir, "t.tsv.zst", zstdFrame(Array(text.utf8)))
        let (plainSchema, plainBatches, _) = try readAll(plain)
        let (schema, batches, _) = try readAll(packed)
        #expect(schema == plainSchema && schema.fields.map(\.name) == ["a,b", "c"])
        #expect(batches.map(\.rowCount) == plainBatches.map(\.rowCount))
        #expect(batches.map(\.rowCount).reduce(0, +) == 70_000)
        #expect(strings(batches[1].columns[0]) == strings(plainBatches[1].columns[0]))
    }

    /// UTF-16 and Windows-1252 are recognised from the decompressed bytes, not the compressed ones.
    @Test func theEncodingIsDetectedAfterDecompression() throws {
        let dir = try makeTemporaryDirectory()
        let utf16: [UInt8] = [0xFF, 0xFE] + "name\ncafé\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let wide = try writeFile(dir, "w.csv.zst", zstdFrame(utf16))
        let (_, wideBatches, _) = try readAll(wide)
        #expect(strings(wideBatches[0].columns[0]) == ["café"])
        let latinText: [UInt8] = Array("name\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x0A]  // "café" in Windows-1252
        let latin = try writeFile(dir, "l.csv.zst", zstdFrame(latinText))
        let (_, latinBatches, _) = try readAll(latin)
        #expect(strings(latinBatches[0].columns[0]) == ["café"])
    }

    /// Progress counts compressed bytes: at the end, the whole compressed file.
    @Test func progressEndsAtTheCompressedSize() throws {
        let dir = try makeTemporaryDirectory()
        var text = "n\n"
        for i in 0..<200_000 { text += "\(i)\n" }
        let compressed = zstdFrame(Array(text.utf8))
        let path = try writeFile(dir, "p.csv.zst", compressed)
        let progress = ProgressCounter(totalBytes: Int64(compressed.count))
        let reader = try CSVSource(path: path, options: CSVOptions()).openReader(schema: nil, progress: progress)
        var rows = 0
        while case .batch(let batch) = try reader.next() { rows += batch.rowCount }
        #expect(rows == 200_000)
        #expect(progress.bytesRead == Int64(compressed.count))
    }
}
