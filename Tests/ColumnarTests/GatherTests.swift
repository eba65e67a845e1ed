import Columnar
import Testing

@Suite struct GatherTests {
    @Test func gathersRowsInTheOrderGivenWithTheirNulls() throws {
        let schema = Schema([Field(name: "n", type: .int32), Field(name: "s", type: .string)])
        let batch = try RecordBatch(schema: schema, columns: [
            Column(.int32s([10, 20, 30]), validity: [1, 0, 1]),
            Column(.bytes(ByteArrays(strings: ["a", "bb", "ccc"]))),
        ])
        let picked = try batch.gather([2, 0, 2, 1])
        #expect(picked.rowCount == 4)
        #expect(picked.columns[0].values == .int32s([30, 10, 30, 20]))
        #expect(picked.columns[0].validity == [1, 1, 1, 0])
        guard case .bytes(let strings) = picked.columns[1].values else {
            Issue.record("the string column lost its storage")
            return
        }
        #expect((0..<4).map(strings.string(at:)) == ["ccc", "a", "ccc", "bb"])
        #expect(picked.columns[1].validity == nil)
    }

    @Test func gatheringNothingGivesAnEmptyBatch() throws {
        let batch = try RecordBatch(schema: Schema([Field(name: "b", type: .boolean)]), columns: [Column(.booleans([1, 0]))])
        let empty = try batch.gather([])
        #expect(empty.rowCount == 0 && empty.columns[0].count == 0)
    }
}
