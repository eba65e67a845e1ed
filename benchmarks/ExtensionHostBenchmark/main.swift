// Measures the extension host's own costs, in process: discovery of 100 manifests,
// spawn + handshake + probe of an extension, a warm request round trip, and the time from
// an extension's crash to the host's fallback decision.
//
// Usage: extension-host-benchmark EXTENSION_DIR  (a directory with a working extension,
// e.g. the Swift example installed with its manifest). Prints one JSON object.
import ExtensionHost
import ExtensionProtocol
import Foundation

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let extensionDirectory = CommandLine.arguments[1]
let root = NSTemporaryDirectory() + "pyforge-host-bench-\(getpid())"
try? FileManager.default.removeItem(atPath: root)
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
chmod(root, 0o755)

// 100 extensions for discovery (manifests and a tiny executable each).
let many = root + "/many"
try FileManager.default.createDirectory(atPath: many, withIntermediateDirectories: true)
chmod(many, 0o755)
for i in 0..<100 {
    let dir = many + "/ext\(i)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    chmod(dir, 0o755)
    FileManager.default.createFile(atPath: dir + "/run.sh", contents: Data("#!/bin/sh\nexit 0\n".utf8))
    chmod(dir + "/run.sh", 0o755)
    let manifest = #"{"name":"ext\#(i)","version":"1.0.0","executable":"run.sh","protocolVersions":["1.0"],"inputFormats":["csv"],"outputFormats":["parquet"]}"#
    FileManager.default.createFile(atPath: dir + "/pyforge-extension.json", contents: Data(manifest.utf8))
}
var discovery: [Double] = []
for _ in 0..<30 {
    discovery.append(milliseconds { _ = ExtensionDiscovery.discover(searchPath: [many]) })
}

// Spawn + handshake + probe of a real extension, then warm round trips on one session.
let report = ExtensionDiscovery.discover(searchPath: [(extensionDirectory as NSString).deletingLastPathComponent])
guard let target = report.found.first(where: { extensionDirectory.hasSuffix($0.directory.split(separator: "/").last.map(String.init) ?? "") }) else {
    print("no usable extension in \(extensionDirectory): \(report.invalid + report.insecure)")
    exit(1)
}
let environment = ProcessInfo.processInfo.environment
let probe = ProbeParams(input: FileRef(path: "/tmp/x.csv", format: "csv", size: 10), output: FileRef(path: "/tmp/x.parquet", format: "parquet"))
var startup: [Double] = []
for _ in 0..<20 {
    var session: ExtensionSession?
    startup.append(milliseconds {
        if case .success(let started) = ExtensionSession.start(target, environment: environment) {
            session = started
            _ = started.probe(probe)
        }
    })
    session?.shutdown()
}
var roundTrips: [Double] = []
if case .success(let session) = ExtensionSession.start(target, environment: environment) {
    for _ in 0..<1_000 {
        roundTrips.append(milliseconds { _ = session.connection.request(Method.ping, nil, phase: "ping", limits: .within(5)) })
    }
    session.shutdown()
}

// Crash → fallback: an extension that dies at once.
let crashing = root + "/crash/dies"
try FileManager.default.createDirectory(atPath: crashing, withIntermediateDirectories: true)
chmod(root + "/crash", 0o755)
chmod(crashing, 0o755)
FileManager.default.createFile(atPath: crashing + "/run.sh", contents: Data("#!/bin/sh\nexit 3\n".utf8))
chmod(crashing + "/run.sh", 0o755)
FileManager.default.createFile(atPath: crashing + "/pyforge-extension.json", contents: Data(#"{"name":"dies","version":"1","executable":"run.sh","protocolVersions":["1.0"],"inputFormats":["csv"],"outputFormats":["parquet"]}"#.utf8))
let dies = ExtensionDiscovery.discover(searchPath: [root + "/crash"]).found[0]
var crash: [Double] = []
for _ in 0..<20 {
    crash.append(milliseconds { _ = ExtensionSession.start(dies, environment: environment) })
}
try? FileManager.default.removeItem(atPath: root)
print(#"{"discovery_100_ms": \#(median(discovery)), "spawn_handshake_probe_ms": \#(median(startup)), "warm_round_trip_ms": \#(median(roundTrips)), "crash_to_fallback_ms": \#(median(crash))}"#)
