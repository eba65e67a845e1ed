import ExtensionProtocol
import Pipeline
import FormatKit

/// `pyforge info` and `pyforge validate` on a path an extension claims (a Unity Catalog
/// Volume path, SPEC §15.3): such a file is not on this machine's file system, so the
/// claiming extension that answers `inspect` (SPEC §15.6) runs the command on a copy it
/// stages, and its output is shown as if the command had run here.
public enum PathInspection {
    /// What the command printed and its exit status.
    public struct Outcome: Sendable, Equatable {
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `command` (`info` or `validate`) on `path` with the user's other `arguments`
    /// through the extension claiming the path; nil when no extension claims it.
    public static func run(
        _ command: String, path: String, arguments: [String], environment: [String: String]
    ) throws(ConversionError) -> Outcome? {
        if ExtensionRouter.forcesCore(environment) { return nil }
        let claimants = ExtensionRouter.discover(environment).found.filter { $0.manifest.claims(path) }
        guard !claimants.isEmpty else { return nil }
        var reasons: [String] = []
        for found in claimants {
            switch ExtensionSession.start(found, environment: environment) {
            case .failure(let failure):
                reasons.append("'\(found.manifest.name)' \(failure.description)")
            case .success(let session):
                defer { session.shutdown() }
                guard session.protocolVersion >= .v1_1, case .object(let capabilities)? = session.capabilities,
                    case .array(let methods)? = capabilities["methods"], methods.contains(.string("inspect"))
                else {
                    reasons.append("'\(found.manifest.name)' does not answer inspect")
                    continue
                }
                let params: JSONValue = .object([
                    "command": .string(command), "path": .string(path), "arguments": .array(arguments.map { .string($0) }),
                ])
                // A download sends no progress: the idle limit allows for a large file.
                let limits = RequestLimits(idle: 600, absolute: 3_600)
                switch session.connection.request("inspect", params, phase: "inspect", limits: limits) {
                case .success(let answer):
                    if let outcome = Outcome(answer) { return outcome }
                    reasons.append("'\(found.manifest.name)' answered inspect without exitCode, stdout and stderr")
                case .failure(let failure):
                    reasons.append("'\(found.manifest.name)' \(failure.description)")
                }
            }
        }
        throw .unreadableInput(
            path: path,
            reason: "it is claimed by an extension that could not run '\(command)' on it: \(reasons.joined(separator: "; ")). "
                + "Run 'pyforge extensions status' to check the extension")
    }
}

extension PathInspection.Outcome {
    init?(_ answer: JSONValue) {
        guard case .object(let members) = answer, case .number(let code)? = members["exitCode"],
            case .string(let stdout)? = members["stdout"], case .string(let stderr)? = members["stderr"],
            let exitCode = Int32(exactly: code.rounded()), (0...255).contains(exitCode)
        else { return nil }
        self.init(exitCode: exitCode, stdout: stdout, stderr: stderr)
    }
}
