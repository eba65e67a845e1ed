import ExtensionProtocol
import DatabricksEnvironment
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SparkConnect
import Platform
import UnityCatalogVolumes

/// One conversion the host offered: where its input comes from (a local file, the Volumes
/// mount, or the Files API), which engine converts it, and where the result goes (the host's
/// temporary file, or — in direct mode — a volume: the core engine's file copied in one pass,
/// Spark's part file moved there from a staging directory inside the volume).
struct ConversionJob: Sendable {
    var input: FileRef
    var output: FileRef
    var options: ConversionOptions
    var context: ExtensionContext
    var inputVolume: VolumePath?
    var outputVolume: VolumePath?

    init(input: FileRef, output: FileRef, options: ConversionOptions, context: ExtensionContext) throws(ConversionFailure) {
        self.input = input
        self.output = output
        self.options = options
        self.context = context
        inputVolume = try Self.volume(input.path)
        outputVolume = try Self.volume(output.path)
    }

    private static func volume(_ path: String) throws(ConversionFailure) -> VolumePath? {
        guard VolumePath.looksLikeVolumePath(path) else { return nil }
        do { return try VolumePath(parsing: path) } catch { throw ConversionFailure(reason: "badInput", message: error.description) }
    }

    var touchesVolumes: Bool { inputVolume != nil || outputVolume != nil }

    /// The input's size: the host's figure, else the mount's or the Files API's (`HEAD`).
    func inputBytes() async -> Int64 {
        // A host that cannot see a volume path reports its size as 0.
        guard let volume = inputVolume else { return input.size ?? 0 }
        if let size = input.size, size > 0 { return size }
        if context.mountAvailable {
            return LocalFiles.size(context.mount.localPath(volume)) ?? 0
        }
        guard let client = context.filesClient else { return 0 }
        return (try? await client.metadata(of: volume))?.size ?? 0
    }

    /// Where Spark would read and write for this job, or why it cannot.
    var sparkRoute: Result<SparkRoute, SparkRoute.Blocked> {
        let destination: SparkRoute.Output? =
            options.table != nil ? nil : outputVolume.map { .volume($0) } ?? .local(output.path)
        return SparkRoute.plan(input: input.path, inputVolume: inputVolume, output: destination, context: context)
    }

    func decide() async -> EnginePlanner.Decision {
        if let table = options.table {
            // A table needs no staging, only an input Spark can read.
            switch sparkRoute {
            case .failure(let blocked): return EnginePlanner.Decision(engine: .core, reason: blocked.reason)
            case .success(let route): return EnginePlanner.Decision(engine: .spark, reason: "table \(table), \(context.endpoint?.summary ?? "Spark"); \(route.summary)")
            }
        }
        let planner = EnginePlanner(environment: context.environment, endpoint: context.endpoint, thresholdOverride: context.thresholdOverride)
        // A Delta table in a volume is the core's: its commits need the put-if-absent rules
        // of `VolumeDeltaTable`.
        if output.format == "delta", outputVolume != nil, options.direct {
            return EnginePlanner.Decision(engine: .core, reason: "the core engine writes Delta tables into volumes (\(context.mountAvailable ? "through the mount" : "through the Files API"))")
        }
        return planner.decide(
            inputFormat: input.format, outputFormat: output.format, inputBytes: await inputBytes(), requested: options.engine, route: sparkRoute)
    }

    func run(_ decision: EnginePlanner.Decision, progress: @Sendable (String) -> Void) async throws(ConversionFailure) -> ConvertResult {
        let scratch = try Scratch()
        defer { scratch.remove() }
        if let table = options.table {
            return try await writeTable(table, decision: decision)
        }
        if output.format == "delta", let volume = outputVolume, options.direct {
            progress(decision.sentence)
            progress("preparing input")
            let localInput = try await stageInput(scratch)
            let outcome = try await writeDeltaTable(volume, localInput: localInput, scratch: scratch)
            return result(decision, rows: outcome.rows, warnings: outcome.warnings, columns: outcome.columns, details: outcome.details)
        }
        progress(decision.sentence)
        var rows = 0
        var warnings: [String] = []
        var columns: [(name: String, type: String)] = []
        switch decision.engine {
        case .spark:
            let endpoint = try await authorisedEndpoint(reason: "sparkFailed")
            guard case .success(let route) = sparkRoute else {
                throw ConversionFailure(reason: "sparkFailed", message: "Spark cannot convert '\(input.path)' from here.")
            }
            let job = SparkFileJob(route: route, endpoint: endpoint, context: context, inputFormat: input.format, force: options.force)
            let outcome = try await job.run(output: outputVolume.map { .volume($0) } ?? .local(output.path), scratch: scratch)
            (rows, columns, warnings) = (outcome.summary.rows, outcome.summary.columns, outcome.warnings)
        case .core:
            guard let core = context.core else {
                throw ConversionFailure(reason: "coreFailed", message: "The core engine's binary was not found (the host sets PYFORGE_HOST_BIN; or put pyforge on PATH).")
            }
            progress("preparing input")
            let localInput = try await stageInput(scratch)
            // Where the engine writes: the host's temporary file, or a local file we deliver.
            let work = options.direct ? scratch.path + "/" + URL(fileURLWithPath: output.path).lastPathComponent : output.path
            let outcome = try await core.run(input: localInput, output: work, format: output.format)
            (rows, warnings, columns) = (outcome.rows, outcome.warnings, outcome.columns)
            if options.direct {
                progress("delivering output")
                try await deliver(work)
            }
        }
        return result(decision, rows: rows, warnings: warnings, columns: columns)
    }

    private func result(
        _ decision: EnginePlanner.Decision, rows: Int, warnings: [String], columns: [(name: String, type: String)],
        details: [String: String] = [:]
    ) -> ConvertResult {
        var metadata: [String: JSONValue] = [
            "decision": .string(decision.sentence), "engine": .string(decision.engine.rawValue),
            "environment": .string(context.environment.summary),
            "columns": .array(columns.map { .object(["name": .string($0.name), "type": .string($0.type)]) }),
        ]
        for (key, value) in details { metadata[key] = .string(value) }
        if let volume = outputVolume { metadata["outputVolume"] = .string(volume.path) }
        return ConvertResult(rows: rows, engine: decision.engine == .spark ? "spark" : "databricks-core", warnings: warnings, metadata: .object(metadata))
    }

    /// `-f delta` into a volume: in place through the mount, else staged and committed
    /// through the Files API (`VolumeDeltaTable`).
    private func writeDeltaTable(_ volume: VolumePath, localInput: String, scratch: Scratch) async throws(ConversionFailure) -> CoreConversion.Outcome {
        guard let core = context.core else {
            throw ConversionFailure(reason: "coreFailed", message: "The core engine's binary was not found (the host sets PYFORGE_HOST_BIN; or put pyforge on PATH).")
        }
        let writer = VolumeDeltaTable(table: volume, options: options, core: core)
        if context.mountAvailable { return try await writer.writeThroughMount(context.mount, input: localInput) }
        let client = try requireFilesClient(for: volume)
        do throws(ConversionFailure) {
            return try await writer.writeThroughFilesAPI(client, input: localInput, scratch: scratch)
        } catch {
            throw ConversionFailure(reason: error.reason, message: context.redact(error.message))
        }
    }

    /// `--table`: Spark writes the catalog table; there is no file to deliver.
    private func writeTable(_ table: String, decision: EnginePlanner.Decision) async throws(ConversionFailure) -> ConvertResult {
        let endpoint = try await authorisedEndpoint(reason: "engineFailed")
        let route: SparkRoute
        switch sparkRoute {
        case .success(let found): route = found
        case .failure(let blocked): throw ConversionFailure(reason: "badInput", message: "Spark cannot write the table \(table): \(blocked.reason).")
        }
        let mode: SparkSaveMode = options.force || options.mode == "overwrite" ? .overwrite : options.mode == "append" ? .append : .errorIfExists
        var staged = StagedFiles()
        let written: (rows: Int, columns: [SparkColumn])
        do {
            let read = try await SparkInput(route: route.input, inputFormat: input.format).prepare(context, staged: &staged)
            written = try await SparkConversion(endpoint: endpoint).writeTable(table, read: read, format: output.format, mode: mode)
        } catch {
            _ = await staged.removeAll(context)
            throw error
        }
        let warnings = await staged.removeAll(context)
        let metadata: [String: JSONValue] = [
            "decision": .string(decision.sentence), "engine": .string("spark"), "table": .string(table),
            "environment": .string(context.environment.summary),
            "columns": .array(written.columns.map { .object(["name": .string($0.name), "type": .string($0.type)]) }),
        ]
        return ConvertResult(rows: written.rows, engine: "spark", warnings: warnings, metadata: .object(metadata))
    }

    /// A local path holding the input: the path itself, the mount, or a download.
    private func stageInput(_ scratch: Scratch) async throws(ConversionFailure) -> String {
        guard let volume = inputVolume else { return input.path }
        if context.mountAvailable { return context.mount.localPath(volume) }
        let client = try requireFilesClient(for: volume)
        let local = scratch.path + "/input-" + (volume.lastComponent ?? "file")
        do {
            try await client.download(volume, to: local)
        } catch {
            throw ConversionFailure(reason: "volumeFailed", message: context.redact(error.description))
        }
        return local
    }

    /// Moves the finished local output into its volume, all or nothing. (Direct mode comes
    /// only from the paths the manifest claims, which are all volume paths.)
    private func deliver(_ local: String) async throws(ConversionFailure) {
        guard let volume = outputVolume else {
            throw ConversionFailure(reason: "badOutput", message: "'\(output.path)' is not a Unity Catalog Volume path, so this extension cannot write it directly.")
        }
        // A workbook's sheets or a database's tables: a directory of files.
        let directory = VolumeDirectoryDelivery(local: local, destination: volume, overwrite: options.force)
        let isDirectory = directoryExists(local)
        do {
            if context.mountAvailable {
                let mount = context.mount, overwrite = options.force
                try await offloaded { () throws(VolumeError) in
                    if isDirectory { try directory.deliver(through: mount) } else {
                        try mount.install(localFile: local, at: volume, overwrite: overwrite)
                    }
                }
            } else {
                let client = try requireFilesClient(for: volume)
                if isDirectory { try await directory.deliver(through: client) } else {
                    try await client.upload(local, to: volume, overwrite: options.force)
                }
            }
        } catch let failure as ConversionFailure {
            throw failure
        } catch {
            throw ConversionFailure(reason: "volumeFailed", message: context.redact("\(error)"))
        }
    }

    private func requireFilesClient(for volume: VolumePath) throws(ConversionFailure) -> FilesAPIClient {
        if let client = context.filesClient { return client }
        throw ConversionFailure(
            reason: "volumeFailed",
            message: "'\(volume.path)' is in a Unity Catalog Volume, but this machine is not Databricks (no /Volumes mount) and no workspace is configured\(context.credentialsProblem.map { " (\($0))" } ?? ""). Set DATABRICKS_HOST and DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET), or a profile in ~/.databrickscfg, to use the Files API.")
    }

    /// The Spark endpoint with a bearer token: workspace credentials without a fixed token
    /// (OAuth machine-to-machine) get one from the same token source as the Files API.
    private func authorisedEndpoint(reason: String) async throws(ConversionFailure) -> SparkEndpoint {
        guard let endpoint = context.endpoint else { throw ConversionFailure(reason: reason, message: "No Spark endpoint is configured.") }
        guard let client = context.filesClient else { return endpoint }
        do {
            return try await endpoint.authorised { () async throws(VolumeError) in try await client.tokens.token(for: endpoint.summary) }
        } catch {
            throw ConversionFailure(reason: reason, message: context.redact(error.description))
        }
    }
}
