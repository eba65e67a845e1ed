/// Where this process runs: Databricks serverless, Databricks classic compute, or elsewhere.
///
/// Built by ``detect(environment:files:)`` from environment variables and two small file
/// probes; it never touches the network.
public struct DatabricksEnvironment: Sendable, Hashable, Codable {
    /// The kind of Databricks compute.
    public enum Compute: String, Sendable, Codable {
        /// Serverless compute: the runtime version looks like `client.2` or `client.2.1`.
        case serverless
        /// A classic cluster: the runtime version looks like `15.4.x-scala2.12`.
        case classic
        /// Not on Databricks.
        case none
    }

    /// Whether the process runs on Databricks (a runtime version was found).
    public var isDatabricks: Bool
    /// The compute type.
    public var compute: Compute
    /// The Databricks runtime version, for example `client.2.1` or `15.4.x-scala2.12`.
    public var runtimeVersion: String?
    /// The cluster id from `DB_CLUSTER_ID`, where set.
    public var clusterID: String?
    /// Whether `/Volumes` (or the test root's `Volumes`) is mounted, so volume files can be read directly.
    public var volumesMounted: Bool
    /// Human-readable evidence behind the verdict, for example `IS_SERVERLESS=TRUE`.
    public var signals: [String]
    /// One line for people, for example `Databricks serverless (client.2)`.
    public var summary: String

    /// Creates an environment description; ``summary`` is derived from the other values.
    public init(
        isDatabricks: Bool, compute: Compute, runtimeVersion: String?, clusterID: String?,
        volumesMounted: Bool, signals: [String]
    ) {
        self.isDatabricks = isDatabricks
        self.compute = compute
        self.runtimeVersion = runtimeVersion
        self.clusterID = clusterID
        self.volumesMounted = volumesMounted
        self.signals = signals
        self.summary = Self.summary(compute: compute, runtimeVersion: runtimeVersion, clusterID: clusterID)
    }

    static func summary(compute: Compute, runtimeVersion: String?, clusterID: String?) -> String {
        let version = runtimeVersion ?? "unknown runtime"
        switch compute {
        case .serverless:
            return "Databricks serverless (\(version))"
        case .classic:
            let cluster = clusterID.map { ", cluster \($0)" } ?? ""
            return "Databricks classic (\(version)\(cluster))"
        case .none:
            return "not Databricks"
        }
    }
}
