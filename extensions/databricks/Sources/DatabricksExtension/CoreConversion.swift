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

    /// Runs the core engine to completion. It stays in this extension's process group, so
    /// the host's shutdown ladder reaches it before the host removes `output`.
    func run(input: String, output: String, format: String) throws(ConversionFailure) -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["PYFORGE_FORCE_CORE"] = "true"
        let finished: (stdout: [UInt8], status: Int32)
        do {
            finished = try ChildInGroup.run(
                executable, arguments: ["convert", input, output, "--format", format, "--engine", "core", "--force", "--json"],
                environment: environment)
        } catch {
            throw ConversionFailure(reason: "coreFailed", message: "Starting the core engine '\(executable)' failed: \(error.reason).")
        }
        let report = try? JSONDecoder().decode(Report.self, from: Data(finished.stdout))
        guard finished.status == 0, let report else {
            throw ConversionFailure(reason: "coreFailed", message: report?.error ?? "it \(Self.describe(finished.status))")
        }
        return Outcome(rows: report.rows ?? 0, warnings: report.warnings ?? [], columns: (report.columns ?? []).map { ($0.name, $0.type) })
    }

    /// "exited with status 3" or "was killed by signal 9", from a wait status.
    private static func describe(_ status: Int32) -> String {
        status & 0x7F == 0 ? "exited with status \((status >> 8) & 0xFF)" : "was killed by signal \(status & 0x7F)"
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
