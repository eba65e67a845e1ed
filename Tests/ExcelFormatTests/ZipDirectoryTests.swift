@testable import ExcelFormat
import Testing
@testable import FormatKit

@Suite struct ZipDirectoryTests {
    private func directory(_ bytes: [UInt8]) throws -> ZipDirectory {
        let path = try writeTemporaryFile("t.xlsx", bytes)
        return try ZipDirectory(file: try InputFile(path: path))
    }

    @Test func entriesAreListedInOrder() throws {
        let zip = try directory(StoredZip.make([("a.xml", "<a/>"), ("b.xml", "<b/>")]))
        #expect(zip.order == ["a.xml", "b.xml"])
        #expect(zip.entries["b.xml"]?.uncompressedSize == 4)
    }

    @Test func anEntryNamedTwiceIsRefusedNamingIt() {
        let bytes = StoredZip.make([("xl/worksheets/sheet1.xml", "<a/>"), ("xl/worksheets/sheet1.xml", "<b/>")])
        #expect { try directory(bytes) } throws: { error in
            (error as? ConversionError)?.description.contains("'xl/worksheets/sheet1.xml' twice") == true
        }
    }
}
