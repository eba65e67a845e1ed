#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs the core engine by calling the host's own binary (`PYFORGE_HOST_BIN`, which the host
/// sets for its extensions; else `pyforge` on PATH) with `--engine core`: the extension
/// reuses every built-in reader and writer without linking them.
struct CoreConversion: Sendable {
    var executable: String

    struct Outcome: Sendable {
        var rows: Int
        var warnings: [String]
        var columns: [(name: String, type: String)]
        /// The result's `details` (for a Delta table: `delta_version`, `delta_commit`).
        var details: [String: String] = [:]
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
    /// `arguments` are the write options (the default replaces a staged file; a Delta table
    /// gets its `--mode` and partitioning instead). A workbook or database with several
    /// sheets or tables gives a directory of outputs, whose rows are added up.
    func run(input: String, output: String, format: String, arguments: [String] = ["--force"]) async throws(ConversionFailure) -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["PYFORGE_FORCE_CORE"] = "true"
        let finished: ChildProcess.Finished
        do {
            finished = try await ChildProcess.run(
                executable, arguments: ["convert", input, output, "--format", format, "--engine", "core", "--json"] + arguments,
                environment: environment)
        } catch {
            throw ConversionFailure(reason: "coreFailed", message: "The core engine could not be run: \(error)")
        }
        let report = try? JSONDecoder().decode(Report.self, from: Data(finished.output))
        guard finished.succeeded, let report else {
            throw ConversionFailure(
                reason: "coreFailed",
                message: report?.error ?? "The core engine '\(executable)' \(finished.exitDescription) without a result; run `pyforge convert` on the same input with `--engine core` to see its error.")
        }
        let parts = report.outputs ?? [report]
        return Outcome(
            rows: parts.reduce(0) { $0 + ($1.rows ?? 0) }, warnings: parts.flatMap { $0.warnings ?? [] },
            columns: (parts.first?.columns ?? []).map { ($0.name, $0.type) }, details: report.details ?? [:])
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
        var details: [String: String]?
        var error: String?
        /// Several outputs (one per sheet or table).
        var outputs: [Report]?
    }
}
