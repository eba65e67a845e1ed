// Times the Parquet writer alone (encode + compress + write) on an in-memory 8-column
// table, per codec. The table is built from the same formulas as
// benchmarks/parquet_writer.py builds it for pyarrow, so both write identical data.
//
// Usage: parquet-write-benchmark ROWS RUNS OUTPUT_DIR [CODEC,…] [INDEXING]  → one JSON line per codec.
// INDEXING: page-index (the default), no-page-index, or bloom-all (page index and bloom
// filters on every column): what the page index and bloom filters cost the writer.
import Columnar
import Foundation
import Parquet

let arguments = CommandLine.arguments
let rows = arguments.count > 1 ? Int(arguments[1])! : 1_000_000
let runs = arguments.count > 2 ? Int(arguments[2])! : 5
let outputDirectory = arguments.count > 3 ? arguments[3] : NSTemporaryDirectory()

func makeTable(rows: Int, batchRows: Int) -> [RecordBatch] {
    let regions = ["north", "south", "east", "west", "central", "online", "wholesale", "retail"]
    let schema = Schema([
        Field(name: "id", type: .int64), Field(name: "amount", type: .double), Field(name: "day", type: .date32),
        Field(name: "ts", type: .timestampMicros(utc: false)), Field(name: "region", type: .string),
        Field(name: "active", type: .boolean), Field(name: "quantity", type: .int64), Field(name: "comment", type: .string),
    ])
    var batches: [RecordBatch] = []
    var start = 0
    while start < rows {
        let range = start..<min(rows, start + batchRows)
        var region = ByteArrays(), comment = ByteArrays()
        for i in range {
            region.append(regions[(i * 7) % 8])
            comment.append("comment \(i % 997) for order \(i)")
        }
        let columns = [
            Column(.int64s(range.map { Int64($0) })),
            Column(.doubles(range.map { Double(($0 * 7919) % 10_000_000) / 100.0 })),
            Column(.int32s(range.map { Int32(10_957 + ($0 * 31) % 9_000) })),
            Column(.int64s(range.map { 1_577_836_800_000_000 + Int64($0) * 1_000_003 })),
            Column(.bytes(region)),
            Column(.booleans(range.map { $0 % 3 == 0 ? 1 : 0 })),
            Column(.int64s(range.map { $0 % 10 == 0 ? 0 : Int64(($0 * 13) % 500) }), validity: range.map { $0 % 10 == 0 ? 0 : 1 }),
            Column(.bytes(comment)),
        ]
        batches.append(try! RecordBatch(schema: schema, columns: columns))
        start = range.upperBound
    }
    return batches
}

let codecs = arguments.count > 4
    ? arguments[4].split(separator: ",").compactMap { name in CompressionCodec.allCases.first { $0.name.lowercased() == name } }
    : [CompressionCodec.snappy, .zstd, .gzip, .uncompressed]
let indexing = arguments.count > 5 ? arguments[5] : "page-index"
let batches = makeTable(rows: rows, batchRows: 65_536)
for codec in codecs {
    var times: [Double] = []
    let path = "\(outputDirectory)/pyforge-\(codec.name.lowercased()).parquet"
    for _ in 0..<runs {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let started = DispatchTime.now().uptimeNanoseconds
        let writer = try! ParquetFileWriter(
            sink: FileDescriptorSink(fileDescriptor: fd, path: path), schema: batches[0].schema,
            options: WriterOptions(
                compression: codec, createdBy: "pyforge benchmark", pageIndex: indexing != "no-page-index",
                bloomFilterColumns: indexing == "bloom-all" ? .all : .none))
        for batch in batches { try! writer.write(batch) }
        try! writer.close()
        close(fd)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
    times.sort()
    print("{\"codec\": \"\(codec.name.lowercased())\", \"median_seconds\": \(times[times.count / 2]), \"path\": \"\(path)\"}")
}
