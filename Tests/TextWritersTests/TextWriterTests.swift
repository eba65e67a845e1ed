import Columnar
import Foundation
import Platform
import Testing

@testable import FormatKit
@testable import TextWriters

/// The CSV and JSON writers on an open file, read back as bytes: header and quoting (RFC
/// 4180), nulls versus empty strings, JSON escapes, NaN as null with a warning, NDJSON lines.
@Suite struct TextWriterTests {
    static let schema = Schema([
        Field(name: "id", type: .int64), Field(name: "name", type: .string),
        Field(name: "score", type: .double), Field(name: "day", type: .date32),
    ])

    static let batch = try! RecordBatch(schema: schema, columns: [
        Column(.int64s([1, 2, 3])),
        Column(.bytes(ByteArrays(strings: ["a,b", "", "say \"hi\"\n"])), validity: [1, 1, 0]),
        Column(.doubles([1.5, .nan, -2])),
        Column(.int32s([0, 19_737, 1]), validity: [1, 1, 0]),
    ])

    /// Writes `batch` with the writer `make` opens on a fresh file and returns the file's text.
    static func written(_ make: (Int32, String) -> OutputWriter) throws -> (text: String, warnings: [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-text-writers-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        try #require(fd >= 0)
        defer { unlink(path) }
        let writer = make(fd, path)
        try writer.write(batch)
        try writer.finish()
        close(fd)
        return (try String(contentsOfFile: path, encoding: .utf8), writer.warnings)
    }

    @Test func csvQuotesWhatNeedsItAndKeepsEmptyStringsApartFromNulls() throws {
        let out = try Self.written { DelimitedOutputWriter(fileDescriptor: $0, path: $1, schema: Self.schema) }
        #expect(out.text == "id,name,score,day\n1,\"a,b\",1.5,1970-01-01\n2,\"\",NaN,2024-01-15\n3,,-2.0,\n")
        #expect(out.warnings.isEmpty)
    }

    @Test func jsonWritesAnArrayOfObjectsAndNaNAsNullWithAWarning() throws {
        let out = try Self.written { JSONOutputWriter(fileDescriptor: $0, path: $1, schema: Self.schema, lines: false) }
        #expect(out.text == """
            [
            {"id":1,"name":"a,b","score":1.5,"day":"1970-01-01"},
            {"id":2,"name":"","score":null,"day":"2024-01-15"},
            {"id":3,"name":null,"score":-2.0,"day":null}
            ]

            """)
        #expect(out.warnings == ["1 NaN or infinite value(s) were written as null (JSON has no such numbers)."])
    }

    @Test func ndjsonWritesOneObjectPerLine() throws {
        let out = try Self.written { JSONOutputWriter(fileDescriptor: $0, path: $1, schema: Self.schema, lines: true) }
        let lines = out.text.split(separator: "\n")
        #expect(lines.count == 3 && out.text.hasSuffix("}\n") && !out.text.hasPrefix("["))
        #expect(lines[2] == #"{"id":3,"name":null,"score":-2.0,"day":null}"#)
    }

    @Test func aFailedWriteIsAnErrorNamingTheFile() throws {
        let writer = DelimitedOutputWriter(fileDescriptor: -1, path: "/somewhere/out.csv", schema: Self.schema)
        #expect(throws: ConversionError.io(operation: "write", path: "/somewhere/out.csv", reason: systemMessage(EBADF))) {
            try writer.finish()
        }
    }
}

/// Cell text the writers share (and Delta's partition values): escapes and base64.
@Suite struct CellTextTests {
    @Test func jsonStringsEscapeQuotesBackslashesAndControlCharacters() {
        var out: [UInt8] = []
        CellText.appendJSONString(Array("a\"b\\c\n\u{1}".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\n\u0001""#)
    }

    @Test func binaryIsBase64WithPadding() {
        #expect(CellText.base64(ArraySlice(Array("M".utf8))) == "TQ==")
        #expect(CellText.base64(ArraySlice(Array("Ma".utf8))) == "TWE=")
        #expect(CellText.base64(ArraySlice(Array("Man".utf8))) == "TWFu")
        #expect(CellText.base64([]) == "")
    }

    @Test func decimalsKeepTheirScale() {
        var out: [UInt8] = []
        #expect(CellText.append(.int64s([-12_345]), .decimal(precision: 10, scale: 2), row: 0, style: .csv, to: &out))
        #expect(String(decoding: out, as: UTF8.self) == "-123.45")
    }
}
