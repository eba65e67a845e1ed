import Foundation
import Testing

/// Runs the Python checker (pyarrow + DuckDB) on a file the test wrote.
enum IndependentReader {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// The venv's Python: `PYFORGE_TEST_PYTHON`, else `.venv/bin/python` (scripts/setup-python-env.sh).
    static var python: String? {
        if let explicit = ProcessInfo.processInfo.environment["PYFORGE_TEST_PYTHON"] { return explicit }
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Checks `expectation` (see Tests/Support/parquet_check.py); records a test issue on mismatch.
    static func check(_ expectation: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let python else {
            Issue.record(
                "No Python with pyarrow and duckdb: run scripts/setup-python-env.sh or set PYFORGE_TEST_PYTHON.",
                sourceLocation: sourceLocation)
            return
        }
        let specURL = FileManager.default.temporaryDirectory.appendingPathComponent("expect-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: expectation).write(to: specURL)
        defer { try? FileManager.default.removeItem(at: specURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repositoryRoot.appendingPathComponent("Tests/Support/parquet_check.py").path, specURL.path]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            Issue.record("Independent readers disagree:\n\(message)", sourceLocation: sourceLocation)
        }
    }
}
