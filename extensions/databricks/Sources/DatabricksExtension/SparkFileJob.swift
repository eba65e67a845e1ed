#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform
import UnityCatalogVolumes

/// One file conversion through Spark along a `SparkRoute`: the input where Spark reads it,
/// one partition of Parquet written into a hidden staging directory (`.<output>.spark-<hex>`)
/// where both Spark and this process reach it, the single part file installed at the output,
/// and everything staged removed — on failure too. The user asked for a file, not a
/// directory of parts.
struct SparkFileJob: Sendable {
    var route: SparkRoute
    var endpoint: SparkEndpoint
    var context: ExtensionContext
    var inputFormat: String
    var force: Bool

    struct Outcome: Sendable {
        var summary: ParquetOutputSummary
        var warnings: [String]
    }

    func run(output: SparkRoute.Output, scratch: Scratch) async throws(ConversionFailure) -> Outcome {
        var staged = StagedFiles()
        do {
            let summary = try await convert(output: output, scratch: scratch, staged: &staged)
            return Outcome(summary: summary, warnings: await staged.removeAll(context))
        } catch {
            _ = await staged.removeAll(context)
            throw error
        }
    }

    private func convert(output: SparkRoute.Output, scratch: Scratch, staged: inout StagedFiles) async throws(ConversionFailure) -> ParquetOutputSummary {
        if case .volume(let volume) = output, !force {
            // Refused before Spark runs, not after it wrote everything.
            let access = try staged.requireAccess(context, for: volume)
            if (try? await access.exists(volume)) == true {
                throw ConversionFailure(reason: "volumeFailed", message: VolumeError.destinationExists(path: volume.path).description)
            }
        }
        let read = try await SparkInput(route: route.input, inputFormat: inputFormat).prepare(context, staged: &staged)
        let spark = SparkConversion(endpoint: endpoint)
        switch (route.staging, output) {
        case (.besideLocalOutput?, .local(let path)):
            let directory = Self.parent(of: path) + "/" + SparkStagingArea.hiddenName(for: Self.name(of: path))
            staged.add(.local(directory))
            try await spark.writeParts(read, to: directory)
            let part = try Self.single(
                directoryEntries(directory).map { DirectoryEntry(name: $0, isDirectory: false, size: nil) },
                in: directory)
            // Same directory as the output, so rename(2) replaces it in one step.
            guard rename(directory + "/" + part, path) == 0 else {
                throw ConversionFailure(reason: "sparkFailed", message: "Moving Spark's output into '\(path)' failed: \(systemMessage(errno)). Check that its directory is writable.")
            }
            return try Self.summary(path, display: path)
        case (.volume(let area)?, _):
            let access = try staged.requireAccess(context, for: area)
            let outputName = switch output {
            case .local(let path): Self.name(of: path)
            case .volume(let volume): volume.lastComponent ?? "output"
            }
            let directory = area.appending(SparkStagingArea.hiddenName(for: outputName))
            staged.add(.volume(directory))
            try await spark.writeParts(read, to: context.sparkPath(directory))
            let entries: [DirectoryEntry]
            do { entries = try await access.list(directory) } catch {
                throw ConversionFailure(reason: "sparkFailed", message: "Spark reported success, but its staging directory '\(directory.path)' cannot be listed: \(context.redact(error.description)).")
            }
            let part = directory.appending(try Self.single(entries, in: directory.path))
            return try await install(part, at: output, access: access, scratch: scratch)
        default:
            throw ConversionFailure(reason: "sparkFailed", message: "Spark cannot stage its output for '\(output)'; this is a bug in the Databricks extension's routing.")
        }
    }

    /// Puts the part file at the output: a rename on the mount; through the Files API, which
    /// has no copy or move for volume files (databricks-sdk-py moves with a download and an
    /// upload too), a download into scratch and an upload. A local output is a download.
    private func install(_ part: VolumePath, at output: SparkRoute.Output, access: VolumeAccess, scratch: Scratch) async throws(ConversionFailure) -> ParquetOutputSummary {
        do {
            switch (output, access) {
            case (.local(let path), _):
                try await access.download(part, to: path)
                return try Self.summary(path, display: path)
            case (.volume(let volume), .mount(let mount)):
                try mount.move(part, to: volume, overwrite: force)
                return try Self.summary(mount.localPath(volume), display: volume.path)
            case (.volume(let volume), .filesAPI(let client)):
                let local = scratch.path + "/" + (part.lastComponent ?? "part.parquet")
                try await client.download(part, to: local)
                let summary = try Self.summary(local, display: volume.path)
                try await client.upload(local, to: volume, overwrite: force)
                return summary
            }
        } catch let failure as ConversionFailure {
            throw failure
        } catch {
            throw ConversionFailure(reason: "volumeFailed", message: context.redact("\(error)"))
        }
    }

    /// The one part file Spark wrote (`part-…`; its checksums and `_SUCCESS` are not data).
    private static func single(_ entries: [DirectoryEntry], in directory: String) throws(ConversionFailure) -> String {
        let parts = entries.filter { !$0.isDirectory && $0.name.hasPrefix("part-") && !$0.name.hasSuffix(".crc") }
        guard parts.count == 1 else {
            throw ConversionFailure(
                reason: "sparkFailed",
                message: "Spark reported success but left \(parts.count) part files in '\(directory)' instead of one; Spark and this process do not see the same files there.")
        }
        return parts[0].name
    }

    private static func summary(_ local: String, display: String) throws(ConversionFailure) -> ParquetOutputSummary {
        do {
            return try ParquetOutputSummary(path: local)
        } catch {
            throw ConversionFailure(reason: "sparkFailed", message: "Spark's output '\(display)' is not a readable Parquet file: \(error.description)")
        }
    }

    /// The absolute directory of `path`: Spark resolves a relative path against its own
    /// working directory, not ours.
    private static func parent(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let slash = absolute.lastIndex(of: "/")!
        return String(absolute[..<slash])
    }

    private static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
