@testable import DBaseFormat
import Testing
@testable import FormatKit

@Suite struct DBaseHeaderTests {
    /// A dBase III header with the given fields (name, type, length, decimals) and `records` records.
    private func header(version: UInt8 = 0x03, year: UInt8 = 126, records: Int = 0, fields: [(String, Character, UInt8, UInt8)]) -> [UInt8] {
        let recordLength = 1 + fields.reduce(0) { $0 + Int($1.2) }
        let headerLength = 32 + 32 * fields.count + 1
        var bytes = [UInt8](repeating: 0, count: headerLength)
        bytes[0] = version
        bytes[1] = year; bytes[2] = 11; bytes[3] = 27
        bytes[4] = UInt8(records & 0xFF); bytes[5] = UInt8(records >> 8 & 0xFF)
        bytes[8] = UInt8(headerLength & 0xFF); bytes[9] = UInt8(headerLength >> 8)
        bytes[10] = UInt8(recordLength & 0xFF); bytes[11] = UInt8(recordLength >> 8)
        bytes[29] = 0x65
        for (i, field) in fields.enumerated() {
            let base = 32 + 32 * i
            for (j, c) in field.0.utf8.enumerated() { bytes[base + j] = c }
            bytes[base + 11] = UInt8(field.1.asciiValue!)
            bytes[base + 16] = field.2
            bytes[base + 17] = field.3
        }
        bytes[headerLength - 1] = 0x0D
        return bytes + [UInt8](repeating: 0x20, count: records * recordLength)
    }

    private func parse(_ bytes: [UInt8]) throws(ConversionError) -> DBaseHeader {
        try DBaseHeader.parse(bytes, path: "t.dbf", fileSize: Int64(bytes.count), names: .cp1252)
    }

    @Test func fieldsOffsetsAndTypes() throws {
        let parsed = try parse(header(records: 2, fields: [("NAME", "C", 20, 0), ("AMOUNT", "N", 10, 2), ("QTY", "N", 6, 0), ("BIG", "N", 20, 0)]))
        #expect(parsed.recordCount == 2)
        #expect(parsed.fields.map(\.name) == ["NAME", "AMOUNT", "QTY", "BIG"])
        #expect(parsed.fields.map(\.offset) == [1, 21, 31, 37])
        #expect(parsed.fields.map { $0.dataType(visualFoxPro: false) } == [.string, .decimal(precision: 9, scale: 2), .int32, .decimal(precision: 20, scale: 0)])
        #expect(parsed.fields[1].spec == "N(10,2)")
        #expect(CodePage.forLanguageDriver(parsed.languageDriver) == .cp866)
    }

    @Test(arguments: [(UInt8(126), 2026), (125, 2025), (99, 1999), (80, 1980), (25, 2025), (0, 2000)])
    func lastUpdateYear(byte: UInt8, year: Int) throws {
        let parsed = try parse(header(year: byte, fields: [("A", "C", 1, 0)]))
        #expect(parsed.lastUpdate?.year == year)
        #expect(parsed.lastUpdateText == "\(year)-11-27")
    }

    @Test func truncatedAndUnknownFilesAreRefused() {
        let bytes = header(records: 3, fields: [("A", "C", 5, 0)])
        #expect(throws: ConversionError.self) { try parse(Array(bytes.dropLast(4))) }
        #expect(throws: ConversionError.self) { try parse(Array(bytes.prefix(20))) }
        var unknown = bytes
        unknown[0] = 0x50
        #expect(throws: ConversionError.self) { try parse(unknown) }
    }

    @Test func decimalsParseAndRound() {
        func value(_ text: String, scale: Int) -> Int128? {
            let bytes = Array(text.utf8)
            if case .value(let v) = bytes.withUnsafeBufferPointer({ DBaseValues.decimal($0.baseAddress!, $0.count, scale: scale) }) { return v }
            return nil
        }
        #expect(value("   12.50", scale: 2) == 1250)
        #expect(value("  -0.5", scale: 2) == -50)
        #expect(value("    7", scale: 3) == 7000)
        #expect(value("1.235", scale: 2) == 124)
        #expect(value("1,5", scale: 1) == 15)
        #expect(value("*****", scale: 0) == nil)
        #expect(value("     ", scale: 0) == nil)
    }

    @Test func codePagesDecodeToUTF8() {
        let cyrillic: [UInt8] = [0x8F, 0xE0, 0xA8, 0xA2, 0xA5, 0xE2]  // "Привет" in cp866
        #expect(cyrillic.withUnsafeBytes { CodePage.cp866.string($0) } == "Привет")
        #expect([UInt8]([0x80, 0xE9]).withUnsafeBytes { CodePage.cp1252.string($0) } == "€é")
        #expect(CodePage(name: "windows-1251") == .cp1251)
        #expect(CodePage(name: "866") == .cp866)
        #expect(CodePage(name: "IBM850") == .cp850)
        #expect(CodePage(name: "klingon") == nil)
    }
}
