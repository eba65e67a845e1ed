import Foundation
@testable import Pipeline
@testable import Delta

/// The Delta log as `info`, `validate` and the extension-output check read it: the JSON
/// commits of `_delta_log` (actions, the schema string, stats, partition values), the
/// snapshot at each version and what later versions added. The input is split into
/// commits 0, 1, 2… at each `--PYFORGE-COMMIT--` line; the table has no data files, so
/// the readers see only the log.
enum DeltaLogFuzz {
    static let separator = Array("\n--PYFORGE-COMMIT--\n".utf8)
    static let table = ScratchFile.directory + "/table"

    static func run(_ bytes: [UInt8]) {
        let log = table + "/_delta_log"
        try? FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
        let commits = split(bytes).prefix(8)
        for (version, commit) in commits.enumerated() {
            FileManager.default.createFile(atPath: DeltaLog.commitPath(table, Int64(version)), contents: Data(commit))
        }
        defer {
            for version in commits.indices { unlink(DeltaLog.commitPath(table, Int64(version))) }
        }
        _ = try? DeltaTableInfo.info(path: table)
        _ = try? OutputInspector.deltaAddition(table, before: nil)
        if commits.count > 1 { _ = try? OutputInspector.deltaAddition(table, before: 0) }
        _ = try? DeltaLog.snapshot(table, at: Int64(commits.count / 2))
        _ = FileInspector.validate(path: table)
    }

    /// The commits: the input cut at each separator.
    static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = 0, k = 0
        while k + separator.count <= bytes.count {
            if bytes[k..<(k + separator.count)].elementsEqual(separator) {
                parts.append(bytes[start..<k])
                k += separator.count
                start = k
            } else {
                k += 1
            }
        }
        parts.append(bytes[start...])
        return parts
    }
}
