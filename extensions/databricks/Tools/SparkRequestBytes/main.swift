// Test tool: writes the exact request bytes pyforge's Spark Connect client sends for a fixed
// set of plans, one `<case>.bin` file each, into the directory given as the argument.
// Tests/EndToEnd/test_spark_plan_bytes.py decodes them with pyspark's own generated protobuf
// classes and checks every field against what it expects for each case, so the encoding
// is checked by Spark's definitions rather than by our own decoder.
//
// Usage: spark-request-bytes OUTPUT_DIR
import FoundationEssentials
import SparkConnect

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

guard CommandLine.arguments.count == 2 else {
    print("usage: spark-request-bytes OUTPUT_DIR")
    exit(2)
}
let directory = CommandLine.arguments[1]
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

let requests = SparkRequests(sessionID: "9f3b6a2e-4c1d-4e8f-a7b5-0c2d4e6f8a1b", userID: "ana", clientType: "pyforge")
let csv = SparkRelation.read(format: "csv", options: ["header": "true", "sep": ";"], paths: ["/data/a.csv", "/data/b.csv"])

var cases: [(String, [UInt8])] = [
    ("write_path_coalesced", requests.executePlan(.write(SparkWrite(
        input: .repartition(csv, partitions: 1, shuffle: false), source: "parquet", destination: .path("/out/dir"),
        mode: .overwrite, options: ["compression": "zstd"])))),
    ("write_table_append", requests.executePlan(.write(SparkWrite(
        input: .sql("SELECT 1 AS x"), source: "delta", destination: .table("main.sales.orders"), mode: .append)))),
    ("write_repartitioned_json", requests.executePlan(.write(SparkWrite(
        input: .repartition(.read(format: "json", options: [:], paths: ["/Volumes/cat/sch/vol/données.json"]), partitions: 8, shuffle: true),
        source: "parquet", destination: .path("/Volumes/cat/sch/vol/out"), mode: .errorIfExists)))),
    ("write_ignore", requests.executePlan(.write(SparkWrite(
        input: .read(format: "xml", options: ["rowTag": "row"], paths: ["/x.xml"]), source: "parquet", destination: .path("/y"), mode: .ignore)))),
    ("query_sql", requests.executePlan(.query(.sql("SELECT COUNT(*) FROM parquet.`/out/dir`")))),
    ("analyze_schema", requests.analyzeSchema(of: csv)),
    ("analyze_version", requests.analyzeSparkVersion()),
    ("release_session", requests.releaseSession()),
    // A reattachable execution and the calls that follow it (same operation id).
    ("execute_reattachable", requests.executePlan(.query(.sql("SELECT 1")), reattachableAs: "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d")),
    ("reattach_execute", requests.reattachExecute(operationID: "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d", lastResponseID: "r-7")),
    ("reattach_execute_from_start", requests.reattachExecute(operationID: "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d", lastResponseID: nil)),
    ("release_execute_all", requests.releaseExecute(operationID: "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d")),
    ("release_execute_until", requests.releaseExecute(operationID: "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d", until: "r-9")),
]
// The connection string's user_agent becomes client_type, as pyspark sends it.
let remote = try SparkRemote(parsing: "sc://localhost/;user_id=bo;user_agent=my_app;session_id=550E8400-E29B-41D4-A716-446655440000")
let fromRemote = SparkRequests(sessionID: remote.sessionID!, userID: remote.userID!, clientType: remote.userAgent!)
cases.append(("query_from_connection_string", fromRemote.executePlan(.query(.sql("SELECT 1")))))
// The notebook's socket remote carries the same parameters.
let socket = try SparkRemote(parsing: "unix:///databricks/sparkconnect/grpc.sock;user_id=4711;session_id=550e8400-e29b-41d4-a716-446655440000")
let fromSocket = SparkRequests(sessionID: socket.sessionID!, userID: socket.userID!, clientType: "pyforge")
cases.append(("query_from_socket_remote", fromSocket.executePlan(.query(.sql("SELECT 1")))))

for (name, bytes) in cases {
    try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name + ".bin"))
}
print(cases.map(\.0).joined(separator: "\n"))
