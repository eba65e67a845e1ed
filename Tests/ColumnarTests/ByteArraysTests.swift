@testable import Columnar
import Testing

@Suite struct ByteArraysTests {
    @Test func offsetsFrameEachValue() {
        var values = ByteArrays()
        values.append("ab")
        values.appendEmpty()
        values.append("日本")
        #expect(values.count == 3)
        #expect(values.offsets == [0, 2, 2, 8])
        #expect(values.data.count == 8)
        #expect((0..<3).map(values.string(at:)) == ["ab", "", "日本"])
    }

    @Test func builtFromStringsEqualsAppended() {
        var appended = ByteArrays()
        for text in ["x", "", "yz"] { appended.append(text) }
        #expect(ByteArrays(strings: ["x", "", "yz"]) == appended)
        #expect(ByteArrays().count == 0 && ByteArrays().offsets == [0])
    }

    @Test func valuesCountEveryStorage() {
        #expect(ColumnValues.booleans([1, 0, 1]).count == 3)
        #expect(ColumnValues.int128s([1]).storage == .int128s)
        #expect(ColumnValues.bytes(ByteArrays(strings: ["a", "b"])).count == 2)
        #expect(ColumnValues.doubles([]).count == 0)
    }

    /// Past the 32-bit offsets' reach (a limit of 4 bytes stands in for 2 GiB) a value is
    /// left empty and the batch is refused with a sentence instead of a trap.
    @Test func valuesPastTheOffsetsLimitAreRefusedByTheBatch() {
        var values = ByteArrays(limit: 4)
        values.append("abc")
        #expect(!values.overflowed)
        values.append("de")
        #expect(values.overflowed)
        #expect(values.offsets == [0, 3, 3], "the value that did not fit must be left empty")
        let schema = Schema([Field(name: "notes", type: .string)])
        let error = #expect(throws: ColumnarError.self) {
            try RecordBatch(schema: schema, columns: [Column(.bytes(values))])
        }
        #expect(error == .valuesTooLarge(column: "notes"))
        #expect(error?.description.contains("32-bit offsets") == true)
    }

    @Test func aValueDecodedInPlaceIsCheckedWhenItEnds() {
        var values = ByteArrays(limit: 4)
        values.data += [1, 2]
        values.endValue()
        values.data += [3, 4, 5]
        values.endValue()
        #expect(values.overflowed)
        #expect(values.offsets == [0, 2, 2] && values.data == [1, 2])
        var fine = ByteArrays()
        fine.data += Array("xy".utf8)
        fine.endValue()
        #expect(!fine.overflowed && fine.string(at: 0) == "xy")
    }
}
