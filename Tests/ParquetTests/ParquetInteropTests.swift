import Columnar
import Foundation
import Parquet
import Testing

/// Files written by our writer, read back by pyarrow and DuckDB.
@Suite struct ParquetInteropTests {
    /// Every supported type, with nulls, extremes and awkward values.
    static func allTypes(rows: Int = 300) -> TestTable {
        var ints: [Int64?] = [Int64.min, Int64.max, 0, -1, nil]
        var int32s: [Int32?] = [Int32.min, Int32.max, 0, nil, 7]
        var doubles: [Double?] = [.nan, .infinity, -.infinity, -0.0, 0.0, nil, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        var bools: [Bool?] = [true, false, nil]
        var dates: [Int32?] = [-719_162, -1, 0, 47_482, 2_932_896, nil]  // 0001-01-01, 1969-12-31, 1970, 2100-01-01, 9999-12-31
        var local: [Int64?] = [-62_135_596_800_000_000, -1, 0, 4_102_444_800_123_456, 253_402_300_799_999_999, nil]
        var utc: [Int64?] = [0, nil, 1_700_000_000_000_001]
        var strings: [String?] = ["", nil, "plain", "naïve café", "日本語テキスト", "emoji 🚀 with, comma", "\"quoted\"\nnewline", "a"]
        var binaries: [[UInt8]?] = [[], nil, [0, 255, 1], Array("bytes".utf8)]
        var decimal9: [Int128?] = [999_999_999, -999_999_999, 0, nil, 12_345]
        var decimal18: [Int128?] = [999_999_999_999_999_999, -999_999_999_999_999_999, nil, 1]
        let big = Int128("99999999999999999999999999999999999999")!
        var decimal38: [Int128?] = [big, -big, 0, nil, 1, -1]
        // Pad every column to `rows` with a repeating, partly-null pattern.
        for i in 0..<rows {
            ints.append(i % 7 == 0 ? nil : Int64(i * 1_000_003 % 5_000))
            int32s.append(Int32(i % 11) - 5)
            doubles.append(i % 13 == 0 ? nil : Double(i) / 7.0)
            bools.append(i % 5 == 0 ? nil : i % 2 == 0)
            dates.append(Int32(i % 40) * 365 - 3_000)
            local.append(Int64(i) * 86_400_000_000 + 123)
            utc.append(i % 3 == 0 ? nil : Int64(i) * 1_000_000)
            strings.append(i % 9 == 0 ? nil : "value-\(i % 17)")
            binaries.append(i % 4 == 0 ? nil : [UInt8(i % 256), UInt8((i * 7) % 256)])
            decimal9.append(Int128(i * 1_234) - 50_000)
            decimal18.append(i % 6 == 0 ? nil : Int128(i) * 1_000_000_007)
            decimal38.append(big / 1_000 * Int128(i) - big / 2)
        }
        let n = [ints.count, int32s.count, doubles.count, bools.count, dates.count, local.count, utc.count,
                 strings.count, binaries.count, decimal9.count, decimal18.count, decimal38.count].min()!
        return TestTable(columns: [
            .int64("i64", Array(ints.prefix(n))),
            .int32("i32", Array(int32s.prefix(n))),
            .double("f64", Array(doubles.prefix(n))),
            .boolean("flag", Array(bools.prefix(n))),
            .date("day", Array(dates.prefix(n))),
            .timestamp("local_ts", Array(local.prefix(n)), utc: false),
            .timestamp("utc_ts", Array(utc.prefix(n)), utc: true),
            .string("text", Array(strings.prefix(n))),
            .binary("blob", Array(binaries.prefix(n))),
            .decimal("money", precision: 9, scale: 2, Array(decimal9.prefix(n))),
            .decimal("amount", precision: 18, scale: 4, Array(decimal18.prefix(n))),
            .decimal("huge", precision: 38, scale: 10, Array(decimal38.prefix(n))),
        ])
    }

    @Test(arguments: [CompressionCodec.uncompressed, .snappy, .zstd, .gzip], [true, false])
    func everyTypeRoundTrips(codec: CompressionCodec, dictionary: Bool) throws {
        let table = Self.allTypes()
        let path = temporaryPath("types-\(codec.name)-\(dictionary).parquet")
        try table.write(
            to: path, options: WriterOptions(compression: codec, dictionaryEnabled: dictionary), batchRows: 97)
        var extra: [String: Any] = ["codec": codec.name, "row_groups": 1]
        if !dictionary {
            extra["forbidden_encodings"] = ["text": ["RLE_DICTIONARY"], "i64": ["RLE_DICTIONARY"]]
        } else {
            extra["encodings"] = ["text": ["RLE_DICTIONARY"], "i32": ["RLE_DICTIONARY"]]
        }
        try IndependentReader.check(table.expectation(path: path, extra: extra))
    }

    @Test func statisticsAreCorrectForEveryType() throws {
        let table = TestTable(columns: [
            .int64("i64", [5, nil, -3, 12]),
            .double("f64", [.nan, 2.5, -0.0, nil, 0.0, -7.25]),
            .date("day", [-25_567, 47_482, nil]),  // 1900-01-01 ... 2100-01-01
            .string("text", ["b", "ä", "B", nil, ""]),
            .boolean("flag", [true, nil, true]),
            .decimal("money", precision: 9, scale: 2, [150, -99, nil]),
            .decimal("huge", precision: 30, scale: 2, [-5, 7, nil]),
        ].padded())
        let path = temporaryPath("stats.parquet")
        try table.write(to: path, options: WriterOptions())
        let stats: [String: Any] = [
            "i64": ["min": "-3", "max": "12", "null_count": 3],
            "f64": ["min": TestColumn.hexBits(-7.25), "max": TestColumn.hexBits(2.5), "null_count": 1],
            "day": ["min": "-25567", "max": "47482", "null_count": 4],
            "text": ["min": "", "max": "ä", "null_count": 2],
            "flag": ["min": true, "max": true, "null_count": 4],
            "money": ["min": "-99", "max": "150", "null_count": 4],
            "huge": ["min": "-5", "max": "7", "null_count": 4],
        ]
        try IndependentReader.check(table.expectation(path: path, extra: ["statistics": stats]))
    }

    @Test func zeroRowFileKeepsItsSchema() throws {
        let table = TestTable(columns: [.int64("a", []), .string("b", []), .date("c", [])])
        let path = temporaryPath("empty.parquet")
        try table.write(to: path, options: WriterOptions())
        try IndependentReader.check(table.expectation(path: path, extra: ["row_groups": 0]))
    }

    @Test func allNullColumnAndRequiredColumn() throws {
        let table = TestTable(columns: [
            .string("nothing", Array(repeating: nil, count: 1_000)),
            .int64("id", (0..<1_000).map { Int64($0) }, nullable: false),
        ])
        let path = temporaryPath("all-null.parquet")
        try table.write(to: path, options: WriterOptions(), batchRows: 333)
        try IndependentReader.check(table.expectation(path: path, extra: [
            "statistics": ["nothing": ["null_count": 1_000, "no_min_max": true], "id": ["min": "0", "max": "999", "null_count": 0]]
        ]))
    }

    @Test func oneThousandColumns() throws {
        let columns = (0..<1_000).map { i in TestColumn.int64("c\(i)", [Int64(i), nil, Int64(-i)]) }
        let table = TestTable(columns: columns)
        let path = temporaryPath("wide.parquet")
        try table.write(to: path, options: WriterOptions())
        try IndependentReader.check(table.expectation(path: path))
    }

    @Test func singleColumnSeveralRowGroupsAndMetadata() throws {
        let table = TestTable(columns: [.int64("n", (0..<10_000).map { Int64($0) })])
        let path = temporaryPath("groups.parquet")
        let options = WriterOptions(
            rowGroupRows: 3_000, createdBy: "pyforge version 2.0.0",
            keyValueMetadata: [KeyValue(key: "source", value: "unit-test")])
        let metadata = try table.write(to: path, options: options, batchRows: 1_024)
        #expect(metadata.rowGroups.map(\.numRows) == [3_000, 3_000, 3_000, 1_000])
        try IndependentReader.check(table.expectation(path: path, extra: [
            "row_groups": 4, "key_value": ["source": "unit-test"]
        ]))
    }

    /// The dictionary overflows its limit mid-row-group: early pages stay dictionary-encoded,
    /// later ones fall back to PLAIN, and every value survives.
    @Test func dictionaryOverflowFallsBackToPlain() throws {
        var values: [String?] = []
        for i in 0..<60_000 { values.append("repeat-\(i % 100)") }
        for i in 0..<60_000 { values.append(String(repeating: "u", count: 20) + "-\(i)") }
        let table = TestTable(columns: [.string("s", values)])
        let path = temporaryPath("overflow.parquet")
        try table.write(
            to: path, options: WriterOptions(pageBytes: 64 * 1024, dictionaryPageLimit: 256 * 1024), batchRows: 10_000)
        try IndependentReader.check(table.expectation(path: path, extra: [
            "encodings": ["s": ["RLE_DICTIONARY", "PLAIN"]]
        ]))
    }

    /// Sequential integers go DELTA_BINARY_PACKED; extreme jumps wrap around and still
    /// read back exactly.
    @Test func deltaBinaryPackedIntegers() throws {
        var ids: [Int64?] = (0..<10_000).map { Int64($0) }
        ids[5_000] = .min
        ids[5_001] = .max
        ids[7_000] = nil
        var days: [Int32?] = (0..<10_000).map { Int32(19_000 + $0 / 3) }
        days[3] = .min
        days[4] = .max
        let table = TestTable(columns: [.int64("id", ids), .int32("n", days)])
        let path = temporaryPath("delta-binary-packed.parquet")
        try table.write(to: path, options: WriterOptions(dictionaryEnabled: false), batchRows: 999)
        try IndependentReader.check(table.expectation(path: path, extra: [
            "encodings": ["id": ["DELTA_BINARY_PACKED"], "n": ["DELTA_BINARY_PACKED"]]
        ]))
    }

    @Test func hundredMegabyteString() throws {
        let huge = String(repeating: "0123456789abcdef", count: 100 * 1024 * 1024 / 16)
        let table = TestTable(columns: [.string("big", ["small", huge, nil])])
        let path = temporaryPath("huge-string.parquet")
        try table.write(to: path, options: WriterOptions())
        var spec = table.expectation(path: path)
        let digest = Array(huge.utf8)
        let expectedHuge: [String: Any] = ["sha256": sha256Hex(digest), "length": digest.count]
        spec["columns"] = [["name": "big", "values": ["small", expectedHuge, NSNull()], "arrow_type": "string"]]
        try IndependentReader.check(spec)
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension Array where Element == TestColumn {
    /// Pads shorter columns with trailing nulls so all have the same length.
    func padded() -> [TestColumn] {
        let n = map(\.column.count).max() ?? 0
        return map { column in
            var c = column
            let missing = n - c.column.count
            guard missing > 0 else { return c }
            var validity = c.column.validity ?? [UInt8](repeating: 1, count: c.column.count)
            validity += [UInt8](repeating: 0, count: missing)
            switch c.column.values {
            case .booleans(let v): c.column = Column(.booleans(v + [UInt8](repeating: 0, count: missing)), validity: validity)
            case .int32s(let v): c.column = Column(.int32s(v + [Int32](repeating: 0, count: missing)), validity: validity)
            case .int64s(let v): c.column = Column(.int64s(v + [Int64](repeating: 0, count: missing)), validity: validity)
            case .int128s(let v): c.column = Column(.int128s(v + [Int128](repeating: 0, count: missing)), validity: validity)
            case .doubles(let v): c.column = Column(.doubles(v + [Double](repeating: 0, count: missing)), validity: validity)
            case .bytes(var b):
                for _ in 0..<missing { b.appendEmpty() }
                c.column = Column(.bytes(b), validity: validity)
            }
            c.expected += [Any](repeating: NSNull(), count: missing)
            return c
        }
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
