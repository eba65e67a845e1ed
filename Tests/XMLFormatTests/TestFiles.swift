import Columnar
import Foundation
import FormatKit

// A copy of PipelineTests' ReadAll.swift and TemporaryFiles.swift: test targets cannot
// share sources, and these few lines are all the reader tests need of them.

/// A fresh directory for one test's files.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-xml-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func writeFile(_ directory: URL, _ name: String, _ bytes: [UInt8]) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// Reads every batch of `source`, following restarts the way the pipeline does.
func readAll(_ source: TableSource) throws -> (Schema, [RecordBatch], restarts: Int) {
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
