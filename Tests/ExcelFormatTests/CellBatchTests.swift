@testable import ExcelFormat
import Testing

/// A batch's columns grow with the rows they hold, not with the batch's capacity: one
/// row of 8,000 cells must not allocate 8,000 × 65,536 slots.
@Suite struct CellBatchTests {
    @Test func aColumnHoldsSlotsForItsRowsOnly() {
        let batch = CellBatch(capacity: 65_536)
        for column in 0..<8_000 { batch.set(row: 0, column: column, kind: .number, value: Double(column)) }
        #expect(batch.width == 8_000)
        #expect(batch.columns.allSatisfy { $0.kinds.count == 64 && $0.values.count == 64 })
        #expect(batch.kind(0, 7_999) == .number && batch.columns[7_999].values[0] == 7_999)
    }

    @Test func sealingPadsEveryUsedColumnToTheRows() {
        let batch = CellBatch(capacity: 65_536)
        batch.set(row: 0, column: 0, kind: .number, value: 1)
        batch.set(row: 199, column: 1, kind: .number, value: 2)
        batch.rowCount = 300
        #expect(batch.kind(250, 0) == .empty)  // beyond the column's slots: empty, not a trap
        batch.seal()
        #expect(batch.columns.allSatisfy { $0.kinds.count >= 300 && $0.values.count >= 300 })
        #expect(batch.kind(0, 0) == .number && batch.kind(199, 1) == .number && batch.kind(299, 1) == .empty)
    }

    @Test func aColumnNeverGrowsBeyondTheCapacity() {
        let batch = CellBatch(capacity: 100)
        batch.set(row: 99, column: 0, kind: .number, value: 1)
        #expect(batch.columns[0].kinds.count == 100)
    }
}
