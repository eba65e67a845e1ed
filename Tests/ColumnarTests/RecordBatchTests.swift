import Columnar
import Testing

/// `RecordBatch.init` is where readers' columns meet the schema: every mismatch is refused
/// with a sentence naming the column.
@Suite struct RecordBatchTests {
    let schema = Schema([Field(name: "id", type: .int64, nullable: false), Field(name: "name", type: .string)])

    @Test func acceptsColumnsThatMatchTheSchema() throws {
        let batch = try RecordBatch(schema: schema, columns: [
            Column(.int64s([1, 2])), Column(.bytes(ByteArrays(strings: ["a", "b"])), validity: [1, 0]),
        ])
        #expect(batch.rowCount == 2)
        #expect(batch.columns[1].nullCount == 1)
        #expect(batch.columns[1].isNull(1) && !batch.columns[1].isNull(0))
    }

    @Test func refusesAMissingColumn() {
        #expect(throws: ColumnarError.columnCountMismatch(expected: 2, actual: 1)) {
            try RecordBatch(schema: schema, columns: [Column(.int64s([1]))])
        }
    }

    @Test func refusesColumnsOfDifferentLengths() {
        #expect(throws: ColumnarError.rowCountMismatch(column: "name", expected: 2, actual: 1)) {
            try RecordBatch(schema: schema, columns: [Column(.int64s([1, 2])), Column(.bytes(ByteArrays(strings: ["a"])))])
        }
    }

    @Test func refusesStorageThatIsNotTheFieldsType() {
        let error = #expect(throws: ColumnarError.self) {
            try RecordBatch(schema: schema, columns: [Column(.int32s([1])), Column(.bytes(ByteArrays(strings: ["a"])))])
        }
        #expect(error == .storageMismatch(column: "id", type: .int64))
        #expect(error?.description == "Column 'id' holds values that do not match its type int64.")
    }

    @Test func refusesNullsInARequiredColumn() {
        #expect(throws: ColumnarError.nullInRequiredColumn(column: "id")) {
            try RecordBatch(schema: schema, columns: [Column(.int64s([1, 0]), validity: [1, 0]), Column(.bytes(ByteArrays(strings: ["a", "b"])))])
        }
    }

    @Test func decimalsAreStoredByPrecision() {
        #expect(DataType.decimal(precision: 9, scale: 2).storage == .int32s)
        #expect(DataType.decimal(precision: 10, scale: 2).storage == .int64s)
        #expect(DataType.decimal(precision: 18, scale: 0).storage == .int64s)
        #expect(DataType.decimal(precision: 19, scale: 0).storage == .int128s)
        #expect(DataType.date32.storage == .int32s && DataType.timestampMicros(utc: true).storage == .int64s)
        #expect(DataType.timestampMicros(utc: true).name == "timestamp[us, UTC]")
    }

    @Test func schemaFindsFieldsByName() {
        #expect(schema.index(of: "name") == 1)
        #expect(schema.index(of: "Name") == nil)
    }
}
