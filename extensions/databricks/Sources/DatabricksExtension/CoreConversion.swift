import Foundation

/// Runs the core engine by calling the host's own binary (`PYFORGE_HOST_BIN`, which the host
/// sets for its extensions; else `pyforge` on PATH) with `--engine core`: the extension
/// reuses every built-in reader and writer without linking them.
struct CoreConversion: Sendable {
    var executable: String

    struct Outcome: Sendable {
        var rows: Int
        var warnings: [String]
        var columns: [(name: String, type: String)]
    }

    static func locate(environment: [String: String]) -> CoreConversion? {
        if let host = environment["PYFORGE_HOST_BIN"], FileManager.default.isExecutableFile(atPath: host) {
            return CoreConversion(executable: host)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/pyforge"
            if FileManager.default.isExecutableFile(atPath: candidate) { return CoreConversion(executable: candidate) }
        }
        return nil
    }

    func run(input: String, output: String, format: String) throws(ConversionFailure) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["convert", input, output, "--format", format, "--engine", "core", "--force", "--json"]
        var environment = ProcessInfo.processInfo.environment
        environment["PYFORGE_FORCE_CORE"] = "true"
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw ConversionFailure(reason: "coreFailed", message: "Starting the core engine '\(executable)' failed: \(error.localizedDescription).")
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard process.terminationStatus == 0, let json else {
            let message = (json?["error"] as? String) ?? (json?["message"] as? String) ?? "it exited with status \(process.terminationStatus)"
            throw ConversionFailure(reason: "coreFailed", message: message)
        }
        let result = (json["results"] as? [[String: Any]])?.first ?? json
        let columns = (result["columns"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["type"] as? String ?? "") }
        return Outcome(rows: result["rows"] as? Int ?? 0, warnings: result["warnings"] as? [String] ?? [], columns: columns)
    }
}
