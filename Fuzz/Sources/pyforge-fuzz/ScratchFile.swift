import Foundation

/// The readers take paths, so each input is written to a file in memory (/dev/shm when it
/// exists: no disk I/O per execution), one directory per fuzzing process.
enum ScratchFile {
    static let directory: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(base)/pyforge-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `bytes` to `name` in the scratch directory and returns its path.
    static func write(_ bytes: [UInt8], named name: String) -> String {
        let path = "\(directory)/\(name)"
        let written = bytes.withUnsafeBytes { buffer in
            FileManager.default.createFile(atPath: path, contents: Data(buffer))
        }
        precondition(written, "the fuzz harness could not write \(path)")
        return path
    }

    static func remove(_ name: String) {
        unlink("\(directory)/\(name)")
    }
}
