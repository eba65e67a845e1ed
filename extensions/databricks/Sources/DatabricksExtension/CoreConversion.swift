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
        let report = try? JSONDecoder().decode(Report.self, from: data)
        guard process.terminationStatus == 0, let report else {
            throw ConversionFailure(reason: "coreFailed", message: report?.error ?? "it exited with status \(process.terminationStatus)")
        }
        return Outcome(rows: report.rows ?? 0, warnings: report.warnings ?? [], columns: (report.columns ?? []).map { ($0.name, $0.type) })
    }

    /// What `pyforge convert --json` prints: the result, or `{success: false, error}`.
    private struct Report: Decodable {
        struct Column: Decodable {
            var name: String
            var type: String
        }

        var rows: Int?
        var warnings: [String]?
        var columns: [Column]?
        var error: String?
    }
}
