import DatabricksEnvironment
import Foundation
import HTTPTransfer
import NIOCore
@testable import UnityCatalogVolumes

/// The stand-in Files API (`Tests/Support/files_api_server.py`) run as a subprocess over a
/// temporary directory, with helpers to inject faults and read its request log.
final class FilesAPITestServer {
    let root: TemporaryDirectory
    let token = "dapi-test-\(UUID().uuidString.lowercased())"
    let port: Int
    private let process = Process()
    private let input = Pipe()

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/files_api_server.py").path

    /// Starts the server with the volume `main.sales.raw` and waits for its port.
    init() throws {
        root = try TemporaryDirectory("files-api")
        try FileManager.default.createDirectory(atPath: root.path + "/Volumes/main/sales/raw", withIntermediateDirectories: true)
        let python = ProcessInfo.processInfo.environment["PYFORGE_TEST_PYTHON"] ?? "python3"
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, Self.script, "--root", root.path, "--token", token, "--port", "0"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()

        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw ServerDidNotStart(output: String(decoding: line, as: UTF8.self))
        }
        self.port = port
    }

    struct ServerDidNotStart: Error { var output: String }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        root.remove()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func credentials(token: String? = nil) -> WorkspaceCredentials {
        WorkspaceCredentials(host: baseURL, token: token ?? self.token, source: "test")
    }

    /// A client with tiny delays, so retries cost milliseconds.
    func client(token: String? = nil, attempts: Int = 5) -> FilesAPIClient {
        FilesAPIClient(
            credentials: credentials(token: token),
            retry: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
            timeouts: .init(connect: .milliseconds(500), stall: .seconds(10)))
    }

    /// Where the server keeps a volume path on disk.
    func diskPath(_ path: VolumePath) -> String {
        root.path + path.path
    }

    /// Injects a fault; see the script's documentation for the keys.
    func addFault(_ fault: [String: Any]) async throws {
        _ = try await control("POST", "/__faults", body: JSONSerialization.data(withJSONObject: fault))
    }

    /// Entries per directory listing page (the service's is 1000).
    func setListingPageSize(_ size: Int) async throws {
        _ = try await control("POST", "/__settings", body: JSONSerialization.data(withJSONObject: ["page_size": size]))
    }

    /// The requests handled so far, as `METHOD /Volumes/... status`.
    func requestLog() async throws -> [String] {
        let data = try await control("GET", "/__requests", body: nil)
        let entries = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return entries.map { "\($0["method"] ?? "") \($0["path"] ?? "") \($0["status"] ?? "")" }
    }

    private func control(_ method: String, _ path: String, body: Data?) async throws -> Data {
        let request = HTTPTransferRequest(
            method: .init(rawValue: method), url: baseURL + path, body: body.map { .bytes(ByteBuffer(bytes: $0)) })
        return try await HTTPTransferClient().execute(request) { response in
            Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        }
    }
}
