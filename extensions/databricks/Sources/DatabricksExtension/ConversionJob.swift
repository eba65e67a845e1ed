import ExtensionProtocol
import DatabricksEnvironment
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SparkConnect
import UnityCatalogVolumes

/// One conversion the host offered: where its input comes from (a local file, the Volumes
/// mount, or the Files API), which engine converts it, and where the result goes (the host's
/// temporary file, or — in direct mode — a volume, staged locally and copied in one pass).
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

    /// The input's size: the host's figure, else the mount's or the Files API's.
    func inputBytes() async -> Int64 {
        if let size = input.size { return size }
        guard let volume = inputVolume else { return 0 }
        if context.mountAvailable {
            return ((try? FileManager.default.attributesOfItem(atPath: context.mount.localPath(volume)))?[.size] as? Int64) ?? 0
        }
        guard let client = context.filesClient else { return 0 }
        return (try? await client.metadata(of: volume))?.size ?? 0
    }

    func decide() async -> EnginePlanner.Decision {
        if let table = options.table {
            guard let endpoint = context.endpoint else { return EnginePlanner.Decision(engine: .core, reason: "no Spark endpoint is configured") }
            return EnginePlanner.Decision(engine: .spark, reason: "table \(table), \(endpoint.summary)")
        }
        let planner = EnginePlanner(environment: context.environment, endpoint: context.endpoint, thresholdOverride: context.thresholdOverride)
        var decision = planner.decide(inputFormat: input.format, outputFormat: output.format, inputBytes: await inputBytes(), requested: options.engine)
        // A Delta table in a volume is the core's: its commits need the put-if-absent rules
        // of `VolumeDeltaTable`.
        if output.format == "delta", outputVolume != nil, options.direct {
            return EnginePlanner.Decision(engine: .core, reason: "the core engine writes Delta tables into volumes (\(context.mountAvailable ? "through the mount" : "through the Files API"))")
        }
        // A remote cluster writes into a volume only through the mount it shares with us.
        if decision.engine == .spark, outputVolume != nil, !context.mountAvailable {
            decision = EnginePlanner.Decision(engine: .core, reason: "Spark cannot hand a single file into a volume from outside Databricks; the core engine converts and the Files API uploads")
        }
        return decision
    }

    func run(_ decision: EnginePlanner.Decision, progress: @Sendable (String) -> Void) async throws(ConversionFailure) -> ConvertResult {
        let scratch = try Scratch()
        defer { scratch.remove() }
        progress("preparing input")
        let localInput = try await stageInput(scratch)
        if let table = options.table {
            return try await writeTable(table, localInput: localInput, decision: decision)
        }
        if output.format == "delta", let volume = outputVolume, options.direct {
            progress(decision.sentence)
            let outcome = try await writeDeltaTable(volume, localInput: localInput, scratch: scratch)
            return result(decision, rows: outcome.rows, warnings: outcome.warnings, columns: outcome.columns, details: outcome.details)
        }
        // Where the engine writes: the host's temporary file, or a local file we deliver.
        let work = options.direct ? scratch.path + "/" + URL(fileURLWithPath: output.path).lastPathComponent : output.path
        progress(decision.sentence)
        var rows = 0
        var warnings: [String] = []
        var columns: [(name: String, type: String)] = []
        switch decision.engine {
        case .spark:
            let endpoint = try await authorisedEndpoint(reason: "sparkFailed")
            let readPath = inputVolume != nil && endpoint.isDatabricks ? inputVolume!.path : localInput
            let summary = try await SparkConversion(endpoint: endpoint).run(
                readPath: readPath, samplePath: localInput, inputFormat: input.format, output: work)
            rows = summary.rows
            columns = summary.columns
        case .core:
            guard let core = context.core else {
                throw ConversionFailure(reason: "coreFailed", message: "The core engine's binary was not found (the host sets PYFORGE_HOST_BIN; or put pyforge on PATH).")
            }
            let outcome = try await core.run(input: localInput, output: work, format: output.format)
            (rows, warnings, columns) = (outcome.rows, outcome.warnings, outcome.columns)
        }
        if options.direct {
            progress("delivering output")
            try await deliver(work)
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
    private func writeTable(_ table: String, localInput: String, decision: EnginePlanner.Decision) async throws(ConversionFailure) -> ConvertResult {
        let endpoint = try await authorisedEndpoint(reason: "engineFailed")
        let mode: SparkSaveMode = options.force || options.mode == "overwrite" ? .overwrite : options.mode == "append" ? .append : .errorIfExists
        let readPath = inputVolume != nil && endpoint.isDatabricks ? inputVolume!.path : localInput
        let written = try await SparkConversion(endpoint: endpoint).writeTable(
            table, readPath: readPath, samplePath: localInput, inputFormat: input.format, format: output.format, mode: mode)
        let metadata: [String: JSONValue] = [
            "decision": .string(decision.sentence), "engine": .string("spark"), "table": .string(table),
            "environment": .string(context.environment.summary),
            "columns": .array(written.columns.map { .object(["name": .string($0.name), "type": .string($0.type)]) }),
        ]
        return ConvertResult(rows: written.rows, engine: "spark", warnings: [], metadata: .object(metadata))
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
        let isDirectory = LocalFiles.isDirectory(local)
        do {
            if context.mountAvailable {
                if isDirectory { try directory.deliver(through: context.mount) } else {
                    try context.mount.install(localFile: local, at: volume, overwrite: options.force)
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
