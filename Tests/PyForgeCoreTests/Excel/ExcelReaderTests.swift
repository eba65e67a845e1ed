import Columnar
import Foundation
@testable import PyForgeCore
import Testing

@Suite struct ExcelReaderTests {
    private let styles = """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs></styleSheet>
        """

    private func read(_ bytes: [UInt8], options: ExcelOptions = ExcelOptions()) throws -> (Schema, [RecordBatch], ExcelReader) {
        let directory = try makeTemporaryDirectory()
        let path = try writeFile(directory, "t.xlsx", bytes)
        let workbook = try ExcelWorkbook(path: path, limits: options.limits)
        var schema: Schema? = nil
        while true {
            let reader = try ExcelReader(workbook: workbook, sheet: workbook.sheets[0], options: options, schema: schema, progress: nil)
            var batches: [RecordBatch] = []
            loop: while true {
                switch try reader.next() {
                case .batch(let batch): batches.append(batch)
                case .restart(let widened, _): schema = widened; break loop
                case .end: return (reader.schema, batches, reader)
                }
            }
        }
    }

    @Test func typesHeaderSharedAndInlineStringsDatesAndErrors() throws {
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>when</t></is></c>\
            <c r="D1" t="s"><v>2</v></c><c r="E1" t="s"><v>3</v></c></row>\
            <row r="2"><c r="A2"><v>1</v></c><c r="B2" t="b"><v>1</v></c><c r="C2" s="1"><v>45000</v></c><c r="D2" s="2"><v>1.5</v></c>\
            <c r="E2" t="e"><v>#N/A</v></c></row>\
            <row r="4"><c r="A4"><v>2</v></c><c r="C4" s="3"><v>45000.5</v></c><c r="E4" t="str"><f>X</f><v>hi &amp; bye</v></c></row>
            """
        let (schema, batches, reader) = try read(StoredZip.workbook(rows: rows, sharedStrings: ["id", "ok", "elapsed", "note"], styles: styles))
        #expect(schema.fields.map(\.name) == ["id", "ok", "when", "elapsed", "note"])
        let types: [DataType] = [.int64, .boolean, .timestampMicros(utc: false), .double, .string]
        #expect(schema.fields.map(\.type) == types)
        #expect(reader.hasHeader)
        let sheetName = reader.details.first { $0.0 == "sheet" }?.1
        #expect(sheetName == "S & P")
        #expect(reader.warnings.contains { $0.contains("1 cell(s)") })
        let batch = try #require(batches.first)
        #expect(batch.rowCount == 2)
        let ids: [Int64] = [1, 2]
        let okValidity: [UInt8] = [1, 0]
        let day: Int64 = 19_431 * 86_400_000_000
        let whens: [Int64] = [day, day + 43_200_000_000]
        let elapsed: [Double] = [1.5, 0]
        #expect(batch.columns[0].values == ColumnValues.int64s(ids))
        #expect(batch.columns[1].validity == okValidity)
        #expect(batch.columns[2].values == ColumnValues.int64s(whens))
        #expect(batch.columns[3].values == ColumnValues.doubles(elapsed))
        guard case .bytes(let notes) = batch.columns[4].values else { Issue.record("note is not text"); return }
        let noteValidity: [UInt8] = [0, 1]
        #expect(batch.columns[4].validity == noteValidity)
        #expect(notes.string(at: 1) == "hi & bye")
    }

    @Test func noHeaderWhenTheFirstRowHasNumbersAndRaggedRows() throws {
        let rows = "<row><c><v>1</v></c><c t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c></row><row><c r=\"C2\"><v>2.5</v></c></row>"
        let (schema, batches, reader) = try read(StoredZip.workbook(rows: rows))
        #expect(!reader.hasHeader)
        #expect(schema.fields.map(\.name) == ["column_1", "column_2", "column_3"])
        let types: [DataType] = [.int64, .string, .double]
        #expect(schema.fields.map(\.type) == types)
        guard case .bytes(let texts) = batches[0].columns[1].values else { Issue.record("not text"); return }
        #expect(texts.string(at: 0) == "ab")
    }

    @Test func lateValueWidensWithOneRestart() throws {
        var rows = "<row r=\"1\"><c t=\"inlineStr\"><is><t>n</t></is></c></row>"
        for r in 2...(ExcelReader.batchRows + 10) { rows += "<row r=\"\(r)\"><c><v>\(r == ExcelReader.batchRows + 5 ? "x" : String(r))</v></c></row>" }
        rows = rows.replacingOccurrences(of: "<c><v>x</v></c>", with: "<c t=\"inlineStr\"><is><t>x</t></is></c>")
        let (schema, batches, _) = try read(StoredZip.workbook(rows: rows))
        let types: [DataType] = [.string]
        #expect(schema.fields.map(\.type) == types)
        #expect(batches.reduce(0) { $0 + $1.rowCount } == ExcelReader.batchRows + 9)
    }

    @Test func inflateLimitIsEnforced() throws {
        let rows = String(repeating: "<row><c><v>1</v></c></row>", count: 200)
        let limits = ZipLimits(maxTotalUncompressed: 2_000, maxCompressionRatio: 200, ratioCheckThreshold: 1 << 20)
        #expect(throws: ConversionError.self) { try read(StoredZip.workbook(rows: rows), options: ExcelOptions(limits: limits)) }
        do {
            _ = try read(StoredZip.workbook(rows: rows), options: ExcelOptions(limits: limits))
        } catch let error as ConversionError {
            #expect(error.description.contains("inflate to more than"))
        }
    }

    @Test func damagedArchivesAreMalformedInput() throws {
        let good = StoredZip.workbook(rows: "<row><c><v>1</v></c></row>")
        var flipped = good
        // A byte inside the sheet's stored data: the CRC no longer matches.
        let marker = Array("<sheetData>".utf8)
        let at = (0...(flipped.count - marker.count)).first { Array(flipped[$0..<($0 + marker.count)]) == marker }!
        flipped[at + 3] ^= 0x20
        for bytes in [Array(good.prefix(good.count - 10)), flipped, Array("not a zip at all, just text".utf8)] {
            do {
                _ = try read(bytes)
                Issue.record("expected an error")
            } catch let error as ConversionError {
                guard case .malformedInput(let path, _, _, _) = error else { Issue.record("\(error)"); continue }
                #expect(path.hasSuffix("t.xlsx"))
            }
        }
    }
}
