import Foundation
import Platform
@testable import Pipeline
import FormatKit
import Platform

/// The stale-temporary name parser (`.<name>.pyforge-<host>-<pid>-<start>-XXXXXX`): any
/// file name, parsed; a name it accepts must print back to the same writer; and a file of
/// that name in a directory goes through the sweep `convert` and `info` run (which removes
/// it only when its writer is provably dead).
enum TemporaryNameFuzz {
    static let directory = ScratchFile.directory + "/names"

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let name = TemporaryName(fileName: text) {
            let printed = ".x\(TemporaryName.marker)\(name.host)-\(name.pid)-\(name.startTime)-abcdef"
            precondition(TemporaryName(fileName: printed) == name, "'\(text)' parses, but its writer does not print back")
            _ = name.writerIsDead
        }
        _ = TemporaryName.prefix(for: text)
        // A file name: no '/' or NUL, at most 255 bytes.
        var fileName = Array(bytes.map { $0 == 0 || $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }.prefix(255))
        if fileName.isEmpty || fileName == Array(".".utf8) || fileName == Array("..".utf8) { fileName = Array("x".utf8) }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + String(decoding: fileName, as: UTF8.self)
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return }
        _ = StaleTemporaries.sweep(tree: directory, remove: bytes.count % 2 == 0)
        _ = StaleTemporaries.sweep(output: directory + "/out.parquet", remove: true)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] { unlink(directory + "/" + entry) }
    }
}
