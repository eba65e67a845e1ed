import DatabricksEnvironment
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform
import UnityCatalogVolumes

/// What the extension knows about where it runs, gathered once per process: the Databricks
/// environment, the Spark endpoint, the Volumes mount, Files API credentials and the core
/// engine's binary. Nothing here touches the network.
struct ExtensionContext: Sendable {
    var environment: DatabricksEnvironment
    var endpoint: SparkEndpoint?
    /// The Spark settings are present but invalid (reported when Spark is asked for).
    var endpointProblem: String?
    var mount: VolumeMount
    var credentials: WorkspaceCredentials?
    var credentialsProblem: String?
    /// The Files API client for `credentials`, one per process so an OAuth token is fetched once.
    var filesClient: FilesAPIClient?
    var core: CoreConversion?
    var thresholdOverride: Int64?
    /// On Databricks the volumes are a FUSE mount read and written like local files.
    var mountAvailable: Bool
    /// `--spark-staging` (PYFORGE_SPARK_STAGING): a volume directory where Spark conversions
    /// of local files stage the input and the parts; or why the setting is invalid.
    var sparkStaging: VolumePath?
    var sparkStagingProblem: String?

    static func current(_ variables: [String: String] = ProcessInfo.processInfo.environment) -> ExtensionContext {
        let environment = DatabricksEnvironment.detect(environment: variables)
        let mount = VolumeMount()
        let mounted = environment.isDatabricks && directoryExists(mount.root)
        var context = ExtensionContext(
            environment: environment, mount: mount, core: CoreConversion.locate(environment: variables),
            thresholdOverride: variables["PYFORGE_SPARK_MIN_BYTES"].flatMap { Int64($0) }, mountAvailable: mounted)
        do { context.endpoint = try SparkEndpoint.resolve(environment: variables) } catch { context.endpointProblem = error.description }
        do { context.credentials = try WorkspaceCredentials.resolve(environment: variables) } catch { context.credentialsProblem = "\(error)" }
        context.filesClient = context.credentials.map {
            FilesAPIClient(credentials: $0, multipart: MultipartSettings.from(environment: variables))
        }
        if let text = variables["PYFORGE_SPARK_STAGING"], !text.isEmpty {
            do { context.sparkStaging = try SparkStagingArea.parse(text) } catch { context.sparkStagingProblem = error.message }
        }
        return context
    }

    /// How this process reaches volume files: the mount, else the Files API, else not at all.
    var volumeAccess: VolumeAccess? {
        if mountAvailable { return .mount(mount) }
        if let filesClient { return .filesAPI(filesClient) }
        return credentials.map { .filesAPI(FilesAPIClient(credentials: $0)) }
    }

    /// Spark runs on a Databricks cluster (the notebook's own Spark, or a Databricks Connect
    /// endpoint): it sees /Volumes, and nothing of this machine's other files.
    var sparkSeesVolumes: Bool { endpoint.map { $0.isDatabricks || environment.isDatabricks } ?? false }

    /// Spark is a server on this machine, off Databricks: it reads and writes our files.
    var sparkSharesLocalFiles: Bool { endpoint.map { $0.isOnThisMachine && !environment.isDatabricks } ?? false }

    /// A volume path as Spark is given it: through the mount's root where there is one (the
    /// same `/Volumes/...` on Databricks; a test's stand-in directory), else `/Volumes/...`.
    func sparkPath(_ path: VolumePath) -> String {
        mountAvailable ? mount.localPath(path) : path.path
    }

    /// Removes every secret this process knows from a message.
    func redact(_ text: String) -> String {
        var text = filesClient?.tokens.redact(text) ?? credentials?.redact(text) ?? text
        if let token = endpoint?.remote.token, !token.isEmpty { text = text.replacing(token, with: "[REDACTED]") }
        return text
    }
}
