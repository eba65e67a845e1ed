#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import UnityCatalogVolumes

/// A Delta table in a Unity Catalog Volume, written by the core engine.
///
/// On Databricks the core writes it in place through the FUSE mount: data files first, then
/// one commit put in place without hard links (`DeltaLogPut` in the core). Off Databricks
/// the Files API is the only way in: the table's log is downloaded into a local stage, the
/// core writes the new version there, its data files are uploaded, and last the commit
/// `_delta_log/N.json` with `PUT …?overwrite=false` — the Files API's put-if-absent. A 409
/// means another writer took version N: the log is read again and the commit moves past the
/// winners (`DeltaCommitRebase`), as a Delta writer retries. Until the commit lands, the
/// uploaded files are invisible to readers; if it never does, they are deleted.
struct VolumeDeltaTable: Sendable {
    var table: VolumePath
    var options: ConversionOptions
    var core: CoreConversion
    static let maxCommitAttempts = 100

    func writeThroughMount(_ mount: VolumeMount, input: String) async throws(ConversionFailure) -> CoreConversion.Outcome {
        try await core.run(input: input, output: mount.localPath(table), format: "delta", arguments: options.deltaArguments)
    }

    func writeThroughFilesAPI(_ client: FilesAPIClient, input: String, scratch: Scratch) async throws(ConversionFailure) -> CoreConversion.Outcome {
        let stage = scratch.path + "/table"
        let log = table.appending("_delta_log")
        var outcome: CoreConversion.Outcome
        let ourVersion: Int64
        do {
            let before = try await downloadLog(client, into: stage)
            do throws(ConversionFailure) {
                outcome = try await core.run(input: input, output: stage, format: "delta", arguments: options.deltaArguments)
            } catch {
                throw ConversionFailure(reason: error.reason, message: error.message.replacing(stage, with: table.path))
            }
            ourVersion = before + 1
        } catch let failure as ConversionFailure {
            throw failure
        } catch {
            throw ConversionFailure(reason: "volumeFailed", message: "\(error)")
        }
        let commitFile = stage + "/_delta_log/" + Self.padded(ourVersion) + ".json"
        guard let data = FileManager.default.contents(atPath: commitFile) else {
            throw ConversionFailure(reason: "coreFailed", message: "The core engine did not write version \(ourVersion) of the staged Delta table for '\(table.path)'; run the conversion again.")
        }
        var commit = DeltaCommitText(String(decoding: data, as: UTF8.self))
        var uploaded: [VolumePath] = []
        do {
            for file in commit.addedFiles {
                let remote = table.appending(file)
                try await client.upload(stage + "/" + file, to: remote, overwrite: false)
                uploaded.append(remote)
            }
            let version = try await commitIfAbsent(&commit, at: ourVersion, client: client, log: log, scratch: scratch)
            outcome.details["delta_version"] = String(version)
            outcome.details["delta_commit"] = "files-api-overwrite-false"
            if version == ourVersion, let warning = await uploadCheckpoint(client, stage: stage, version: version, log: log) {
                outcome.warnings.append(warning)
            }
            return outcome
        } catch {
            for remote in uploaded { try? await client.delete(remote) }
            if let failure = error as? ConversionFailure { throw failure }
            throw ConversionFailure(reason: "volumeFailed", message: "\(error)")
        }
    }

    /// Copies the table's JSON commits into `stage/_delta_log`; the latest version, or -1
    /// when the volume holds no table there yet.
    private func downloadLog(_ client: FilesAPIClient, into stage: String) async throws -> Int64 {
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        let versions = try await commitVersions(client, log: table.appending("_delta_log"))
        guard let latest = versions.last else { return -1 }
        try FileManager.default.createDirectory(atPath: stage + "/_delta_log", withIntermediateDirectories: true)
        for version in versions {
            let bytes = try await client.contents(of: table.appending("_delta_log/" + Self.padded(version) + ".json"))
            try Data(bytes).write(to: URL(fileURLWithPath: stage + "/_delta_log/" + Self.padded(version) + ".json"))
        }
        return latest
    }

    private func commitVersions(_ client: FilesAPIClient, log: VolumePath) async throws(VolumeError) -> [Int64] {
        let entries: [DirectoryEntry]
        do { entries = try await client.list(log) } catch .notFound { return [] }
        return entries.compactMap { entry in
            entry.name.count == 25 && entry.name.hasSuffix(".json") && !entry.isDirectory ? Int64(entry.name.prefix(20)) : nil
        }.sorted()
    }

    /// Puts the commit at the first free version from `version` on; the version it landed at.
    private func commitIfAbsent(
        _ commit: inout DeltaCommitText, at version: Int64, client: FilesAPIClient, log: VolumePath, scratch: Scratch
    ) async throws -> Int64 {
        var version = version
        let local = scratch.path + "/commit.json"
        for _ in 0..<Self.maxCommitAttempts {
            try Data(commit.text.utf8).write(to: URL(fileURLWithPath: local))
            let target = log.appending(Self.padded(version) + ".json")
            if try await client.uploadIfAbsent(local, to: target) { return version }
            // Taken. By us, if an earlier attempt of the same PUT landed before its answer was lost.
            let existing = DeltaCommitText(String(decoding: try await client.contents(of: target), as: UTF8.self))
            if existing == commit { return version }
            var winners = [existing]
            let newer = try await commitVersions(client, log: log).filter { $0 > version }
            for next in newer {
                let bytes = try await client.contents(of: log.appending(Self.padded(next) + ".json"))
                winners.append(DeltaCommitText(String(decoding: bytes, as: UTF8.self)))
            }
            commit = try DeltaCommitRebase.rebase(commit, over: winners, mode: options.deltaMode, table: table.path)
            version += Int64(winners.count)
        }
        throw ConversionFailure(reason: "volumeFailed", message: "Other writers kept committing to the Delta table '\(table.path)' first (\(Self.maxCommitAttempts) attempts); its data files were removed again. Run the conversion again.")
    }

    /// The checkpoint the core wrote for this version, if one was due; a failure only costs
    /// readers time, so it is a warning.
    private func uploadCheckpoint(_ client: FilesAPIClient, stage: String, version: Int64, log: VolumePath) async -> String? {
        let name = Self.padded(version) + ".checkpoint.parquet"
        guard FileManager.default.fileExists(atPath: stage + "/_delta_log/" + name) else { return nil }
        do {
            try await client.upload(stage + "/_delta_log/" + name, to: log.appending(name), overwrite: true)
            try await client.upload(stage + "/_delta_log/_last_checkpoint", to: log.appending("_last_checkpoint"), overwrite: true)
            return nil
        } catch {
            return "Version \(version) of '\(table.path)' was committed, but its checkpoint could not be uploaded: \(error)"
        }
    }

    static func padded(_ version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
