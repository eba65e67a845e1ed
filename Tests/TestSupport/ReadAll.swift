import Columnar
import FormatKit

/// Reads every batch of `source`, following restarts the way the pipeline does.
public func readAll(_ source: TableSource) throws -> (Schema, [RecordBatch], restarts: Int) {
    var schema: Schema? = nil
    var restarts = 0
    while true {
        let reader = try source.openReader(schema: schema, progress: nil)
        var batches: [RecordBatch] = []
        loop: while true {
            switch try reader.next() {
            case .batch(let batch): batches.append(batch)
            case .restart(let widened, _):
                schema = widened
                restarts += 1
                break loop
            case .end: return (reader.schema, batches, restarts)
            }
        }
    }
}
