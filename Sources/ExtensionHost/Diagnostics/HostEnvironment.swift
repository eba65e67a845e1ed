import ExtensionProtocol
import Pipeline

/// `pyforge env`: this pyforge, the settings it reads, and what each extension that answers
/// `environment` (the Databricks extension) reports about where it runs.
public struct HostEnvironment: Sendable, Codable {
    public var pyforge: String
    /// The PYFORGE_* variables and the Databricks/Spark ones that change behaviour; secrets
    /// are reported as set, never shown.
    public var variables: [String: String]
    public var searchPath: [String]
    /// Extension name → its `environment` answer, or `{"error": ...}`.
    public var extensions: [String: JSONValue]

    static let shown = ["PYFORGE_LOG_LEVEL", "PYFORGE_FORCE_CORE", "PYFORGE_PARALLEL_WORKERS", "PYFORGE_EXTENSIONS_PATH", "DATABRICKS_RUNTIME_VERSION", "DATABRICKS_HOST", "DATABRICKS_CLUSTER_ID", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_AUTH_TYPE"]
    static let secret = ["DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "SPARK_REMOTE"]

    public static func gather(environment: [String: String]) -> HostEnvironment {
        let searchPath = ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable)
        var variables: [String: String] = [:]
        for name in shown { if let value = environment[name] { variables[name] = value } }
        for name in secret where environment[name] != nil { variables[name] = "(set)" }
        var extensions: [String: JSONValue] = [:]
        for found in ExtensionDiscovery.discover(searchPath: searchPath).found {
            switch ExtensionSession.start(found, environment: environment) {
            case .failure(let failure):
                extensions[found.manifest.name] = .object(["error": .string(failure.description)])
            case .success(let session):
                defer { session.shutdown() }
                // Extension-defined requests are 1.1 (SPEC §15.5): 1.0 capabilities are ignored.
                guard session.protocolVersion >= .v1_1, case .object(let capabilities)? = session.capabilities,
                    case .array(let methods)? = capabilities["methods"],
                    methods.contains(.string("environment"))
                else { continue }
                switch session.connection.request("environment", nil, phase: "environment", limits: .within(10)) {
                case .success(let answer): extensions[found.manifest.name] = answer
                case .failure(let failure): extensions[found.manifest.name] = .object(["error": .string(failure.description)])
                }
            }
        }
        return HostEnvironment(pyforge: PyForgeVersion.current, variables: variables, searchPath: searchPath, extensions: extensions)
    }
}
