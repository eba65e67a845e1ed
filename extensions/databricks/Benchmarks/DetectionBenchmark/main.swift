// Measures Databricks environment detection, the 50 ms budget the extension promises for
// answering "where am I running" (benchmarks/databricks_detection.py runs it and prints the
// table). The budget is measured here rather than asserted in tests, where a busy machine
// would fail a correct build.
//
// Usage: databricks-detection-benchmark [RUNS]   prints one JSON object of medians and
// worst times in milliseconds.
import DatabricksEnvironment
import FoundationEssentials

let runs = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200 : 200

func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e3 + Double(attoseconds) / 1e15
}

/// Times `runs` detections; the first (cold caches) is reported on its own.
func measure(_ environment: [String: String], _ files: FileProbe) -> [String: Double] {
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs {
        var detected: DatabricksEnvironment?
        times.append(milliseconds(clock.measure { detected = DatabricksEnvironment.detect(environment: environment, files: files) }))
        precondition(detected != nil)
    }
    let sorted = times.sorted()
    return ["first_ms": times[0], "median_ms": sorted[sorted.count / 2], "max_ms": sorted[sorted.count - 1]]
}

// A Databricks-shaped root on disk (the version file and a /Volumes directory), so file
// reads are real but the answer does not depend on this machine.
let root = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-detect-bench-\(ProcessInfo.processInfo.processIdentifier)").path
try FileManager.default.createDirectory(atPath: root + "/databricks", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: root + "/Volumes", withIntermediateDirectories: true)
try Data("16.4.x-scala2.12\n".utf8).write(to: URL(fileURLWithPath: root + "/databricks/DBR_VERSION"))
defer { try? FileManager.default.removeItem(atPath: root) }

let processEnvironment = ProcessInfo.processInfo.environment
let serverless = ["DATABRICKS_RUNTIME_VERSION": "client.2", "IS_SERVERLESS": "TRUE", "SPARK_CONNECT_MODE_ENABLED": "1"]
let results: [String: [String: Double]] = [
    // What the extension runs: this process's environment and the real filesystem.
    "system": measure(processEnvironment, .system),
    "rooted_classic": measure([:], .rooted(at: root)),
    "serverless_variables_system_files": measure(serverless, .system),
]
struct Report: Encodable {
    var runs: Int
    var results: [String: [String: Double]]
}
let encoder = JSONEncoder()
encoder.outputFormatting = .sortedKeys
print(String(decoding: try encoder.encode(Report(runs: runs, results: results)), as: UTF8.self))
