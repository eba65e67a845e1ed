import ExtensionProtocol
import PyForgeExtensionKit
import UnityCatalogVolumes

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `inspect` request (SPEC §15.6): `pyforge info` or `pyforge validate` on a Volume path.
/// The file is read through the mount on Databricks, else downloaded through the Files API
/// into scratch space, and the core engine runs the command on it; its output comes back
/// with the local path replaced by the Volume path, as if the command had run on it.
struct VolumeInspection: Sendable {
    var context: ExtensionContext

    static let commands = ["info", "validate"]

    func run(_ params: JSONValue?) async throws -> JSONValue {
        guard case .object(let members)? = params, case .string(let command)? = members["command"], Self.commands.contains(command),
            case .string(let pathText)? = members["path"], case .array(let given)? = members["arguments"]
        else {
            throw ExtensionError(
                code: ResponseError.invalidParams, message: "inspect takes command (info or validate), path and arguments.",
                reason: "invalidParams")
        }
        let arguments = given.compactMap { value -> String? in
            guard case .string(let text) = value else { return nil }
            return text
        }
        let volume: VolumePath
        do { volume = try VolumePath(parsing: pathText) } catch { throw ExtensionError(message: error.description, reason: "badInput") }
        guard let core = context.core else {
            throw ExtensionError(message: "The core engine's binary was not found (the host sets PYFORGE_HOST_BIN; or put pyforge on PATH).", reason: "coreFailed")
        }
        let scratch: Scratch
        do { scratch = try Scratch() } catch { throw ExtensionError(message: error.message, reason: error.reason) }
        defer { scratch.remove() }
        let local = try await stage(volume, in: scratch)

        var environment = ProcessInfo.processInfo.environment
        environment["PYFORGE_FORCE_CORE"] = "true"
        let errorFile = scratch.path + "/stderr.txt"
        let finished: ChildProcess.Finished
        do {
            finished = try await ChildProcess.run(core.executable, arguments: [command, local] + arguments, environment: environment, errorFile: errorFile)
        } catch {
            throw ExtensionError(message: "The core engine could not be run: \(error)", reason: "coreFailed")
        }
        guard finished.status & 0x7F == 0 else {
            throw ExtensionError(message: "The core engine \(finished.exitDescription) while running '\(command)' on '\(volume.path)'.", reason: "coreFailed")
        }
        let errors = FileManager.default.contents(atPath: errorFile) ?? Data()
        func shown(_ bytes: some Sequence<UInt8>) -> JSONValue {
            .string(context.redact(String(decoding: Array(bytes), as: UTF8.self).replacing(local, with: volume.path)))
        }
        return .object([
            "exitCode": .number(Double((finished.status >> 8) & 0xFF)), "stdout": shown(finished.output), "stderr": shown(errors),
        ])
    }

    /// A local path holding the file: the mount's, or a download named like the file (its
    /// extension tells the core the format).
    private func stage(_ volume: VolumePath, in scratch: Scratch) async throws -> String {
        if context.mountAvailable { return context.mount.localPath(volume) }
        guard let client = context.filesClient else {
            throw ExtensionError(
                message: "'\(volume.path)' is in a Unity Catalog Volume, but this machine is not Databricks (no /Volumes mount) and no workspace is configured"
                    + "\(context.credentialsProblem.map { " (\(context.redact($0)))" } ?? ""). "
                    + "Set DATABRICKS_HOST and DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET), or a profile in ~/.databrickscfg.",
                reason: "volumeFailed")
        }
        let local = scratch.path + "/" + (volume.lastComponent ?? "file")
        do {
            try await client.download(volume, to: local)
        } catch {
            throw ExtensionError(message: context.redact(error.description), reason: "volumeFailed")
        }
        return local
    }
}
