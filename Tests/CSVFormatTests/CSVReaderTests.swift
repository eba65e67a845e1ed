import TestSupport
import Columnar
import Foundation
import Testing
@testable import FormatKit
@testable import CSVFormat

func readAll(_ path: String, _ options: CSVOptions = CSVOptions()) throws -> (Schema, [RecordBatch], restarts: Int) {
    try readAll(CSVSource(path: path, options: options))
}

func strings(_ column: Column) -> [String?] {
    guard case .bytes(let b) = column.values else { return [] }
    return (0..<b.count).map { column.isNull($0) ? nil : b.string(at: $0) }
}

@Suite struct CSVReaderTests {
    @Test func infersTypesAndNamesColumns() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "t.csv", Array("id,name,name,,price\n1,a,b,x,2.5\n2,,c,y,3\n".utf8))
        let (schema, batches, restarts) = try readAll(path)
        #expect(schema.fields.map(\.name) == ["id", "name", "name_1", "column_4", "price"])
        #expect(schema.fields.map(\.type) == [.int64, .string, .string, .string, .double])
        #expect(restarts == 0)
        #expect(batches.map(\.rowCount).reduce(0, +) == 2)
        #expect(strings(batches[0].columns[1]) == ["a", nil])
    }

    /// A value after the inference sample that does not fit widens the column and the
    /// file is read again; nothing is lost.
    @Test func lateValueWidensTheColumn() throws {
        let dir = try makeTemporaryDirectory()
        var text = "n,m\n"
        for i in 0..<100_000 { text += "\(i),\(i % 3 == 0 ? "" : "7")\n" }
        text += "1.5,x\n"
        let path = try writeFile(dir, "late.csv", Array(text.utf8))
        let (schema, batches, restarts) = try readAll(path)
        #expect(restarts == 1)
        #expect(schema.fields.map(\.type) == [.double, .string])
        let all = batches.flatMap { batch -> [Double] in
            guard case .doubles(let v) = batch.columns[0].values else { return [] }
            return v
        }
        #expect(all.count == 100_001)
        #expect(all.last == 1.5)
        #expect(all[99_999] == 99_999)
    }

    @Test func columnEmptyInTheSampleGetsItsLaterType() throws {
        let dir = try makeTemporaryDirectory()
        var text = "a,b\n"
        for i in 0..<70_000 { text += "\(i),\n" }
        text += "1,2024-05-01\n"
        let path = try writeFile(dir, "sparse.csv", Array(text.utf8))
        let (schema, _, restarts) = try readAll(path)
        #expect(restarts == 1)
        #expect(schema.fields[1].type == .date32)
    }

    @Test func recordsSpanningBufferRefillsAreIntact() throws {
        let dir = try makeTemporaryDirectory()
        var text = "id,text\n"
        let long = String(repeating: "x", count: 3_000)
        for i in 0..<6_000 { text += "\(i),\"\(long),\n\(i)\"\n" }  // ~18 MB: several refills
        text += "6000,\"\(String(repeating: "y", count: 20 << 20))\"\n"  // larger than the buffer
        let path = try writeFile(dir, "big.csv", Array(text.utf8))
        let (_, batches, _) = try readAll(path)
        let texts = batches.flatMap { strings($0.columns[1]) }
        #expect(texts.count == 6_001)
        #expect(texts[4_321] == "\(long),\n4321")
        #expect(texts.last??.count == 20 << 20)
    }

    @Test func decodesUTF16AndWindows1252() throws {
        let dir = try makeTemporaryDirectory()
        let text = "name,city\nZoë,Köln 😀\n"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let (_, batches16, _) = try readAll(try writeFile(dir, "u16.csv", utf16))
        #expect(strings(batches16[0].columns[1]) == ["Köln 😀"])

        let cp1252: [UInt8] = Array("name,price\nCaf".utf8) + [0xE9] + Array(",".utf8) + [0x80] + Array("5\n".utf8)
        let (_, batches1252, _) = try readAll(try writeFile(dir, "cp.csv", cp1252))
        #expect(strings(batches1252[0].columns[0]) == ["Café"])
        #expect(strings(batches1252[0].columns[1]) == ["€5"])
    }

    @Test func invalidUTF8LaterInTheFileNamesTheLine() throws {
        let dir = try makeTemporaryDirectory()
        var bytes = Array("a\n".utf8)
        for _ in 0..<10 { bytes += Array("ok\n".utf8) }
        bytes += [0x41, 0xFF, 0x0A]
        let path = try writeFile(dir, "bad.csv", bytes)
        #expect {
            _ = try readAll(path, CSVOptions(encoding: .utf8))
        } throws: { error in
            (error as? ConversionError)?.description.contains("line 12") == true
        }
    }

    /// After UTF-8 text a bad byte is an error (not a re-read as Windows-1252 that would
    /// turn "café" into "cafÃ©"); after ASCII only, Windows-1252 changes no value read so far.
    @Test func invalidUTF8AfterUTF8TextIsAnErrorWithLineAndOffset() throws {
        let dir = try makeTemporaryDirectory()
        var text = "name\n"
        for _ in 0..<100_000 { text += "café\n" }
        let bytes = Array(text.utf8) + [0x78, 0xE9, 0x0A]
        let path = try writeFile(dir, "late.csv", bytes)
        #expect {
            _ = try readAll(path)
        } throws: { error in
            let message = (error as? ConversionError)?.description ?? ""
            return message.contains("line 100002") && message.contains("byte offset \(bytes.count - 2)") && message.contains("utf-8-replace")
        }
        let (_, batches, _) = try readAll(path, CSVOptions(encoding: .utf8Replacing))
        #expect(strings(batches.last!.columns[0]).last == "x\u{FFFD}")
        let (_, ascii, restarts) = try readAll(try writeFile(dir, "ascii.csv", Array("name\ncafe\n".utf8) + [0x78, 0xE9, 0x0A]))
        #expect(restarts == 0)  // the whole file is the detection sample here
        #expect(strings(ascii[0].columns[0]) == ["cafe", "xé"])
    }

    @Test func detectionSampleWithUTF8TextBeforeABadByteIsUTF8() {
        let bytes: [UInt8] = Array("name\ncafé\n".utf8) + [0xE9, 0x0A]
        let detected = bytes.withUnsafeBytes { TextEncoding.detect($0, isWholeFile: true) }
        #expect(detected == .utf8)
        let cp1252: [UInt8] = Array("name\ncaf".utf8) + [0xE9, 0x0A]
        #expect(cp1252.withUnsafeBytes { TextEncoding.detect($0, isWholeFile: true) } == .windows1252)
    }

    @Test func allStringsKeepsTheTextExactly() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "s.csv", Array("a,b\n007,1.50\n,\"\"\n".utf8))
        let (schema, batches, _) = try readAll(path, CSVOptions(allStrings: true))
        #expect(schema.fields.map(\.type) == [.string, .string])
        #expect(strings(batches[0].columns[0]) == ["007", nil])
        #expect(strings(batches[0].columns[1]) == ["1.50", ""])
    }

    @Test func sniffsDelimiterAndMissingHeader() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "semi.csv", Array("1;2.5;x\n2;3.5;y\n".utf8))
        let (schema, batches, _) = try readAll(path)
        #expect(schema.fields.map(\.name) == ["column_1", "column_2", "column_3"])
        #expect(schema.fields.map(\.type) == [.int64, .double, .string])
        #expect(batches[0].rowCount == 2)
    }
}

@Suite struct CSVReaderPreambleTests {
    @Test func excelSeparatorLineAndSkipRows() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "sep.csv", [0xEF, 0xBB, 0xBF] + Array("sep=;\r\nnotes\r\n\r\na;b\r\n1,5;2\r\n".utf8))
        let (schema, batches, _) = try readAll(path, CSVOptions(skipRows: 2))
        #expect(schema.fields.map(\.name) == ["a", "b"])
        #expect(strings(batches[0].columns[0]) == ["1,5"])
        let reader = try CSVReader(path: path, options: CSVOptions(skipRows: 2), learned: LearnedEncoding(), schema: nil, progress: nil)
        #expect(reader.dialect.delimiter == UInt8(ascii: ";"))
        #expect(reader.details.contains { $0 == ("skipped_rows", "2") })
    }

    @Test func titleRowsAreSkippedWithANote() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "report.csv", Array("Report\n\nname,n\nx,1\ny,2\n".utf8))
        let reader = try CSVReader(path: path, options: CSVOptions(), learned: LearnedEncoding(), schema: nil, progress: nil)
        #expect(reader.schema.fields.map(\.name) == ["name", "n"])
        #expect(reader.schema.fields.map(\.type) == [.string, .int64])
        let (rows, _) = try reader.scanToEnd()
        #expect(rows == 2)
        #expect(reader.warnings.contains { $0.contains("1 title row(s)") && $0.contains("line 3") && $0.contains("--skip-rows 2") })
        // With the header decided by the user nothing is skipped: "Report" is the first record.
        #expect {
            _ = try readAll(path, CSVOptions(hasHeader: false))
        } throws: { error in
            (error as? ConversionError)?.description.contains("line 3: the record has 2 fields") == true
        }
    }

    @Test func skippingEveryLineIsAnError() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "short.csv", Array("a\nb\n".utf8))
        #expect {
            _ = try readAll(path, CSVOptions(skipRows: 2))
        } throws: { error in
            (error as? ConversionError)?.description.contains("--skip-rows 2") == true
        }
    }
}
