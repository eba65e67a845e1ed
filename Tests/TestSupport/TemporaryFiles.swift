import Foundation

// What the Swift test targets share (a library target under Tests/, linked only by tests):
// test targets cannot share source files, so each would otherwise keep its own copy.

/// A fresh directory for one test's files.
public func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `bytes` to `name` in `directory`; the file's path.
public func writeFile(_ directory: URL, _ name: String, _ bytes: [UInt8]) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}
