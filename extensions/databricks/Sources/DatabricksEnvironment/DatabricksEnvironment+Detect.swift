#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DatabricksEnvironment {
    /// Detects where this process runs, from environment variables and two small file probes.
    ///
    /// Databricks iff a runtime version is found (`DATABRICKS_RUNTIME_VERSION`, else the file
    /// `/databricks/DBR_VERSION`). Its shape decides the compute type; the secondary signals
    /// (`IS_SERVERLESS`, `DB_CLUSTER_ID`, ...) are reported and only break ties for a version
    /// of neither known shape. No network, a few syscalls: well under 50 ms.
    public static func detect(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        files: FileProbe = .system
    ) -> DatabricksEnvironment {
        var signals: [String] = []
        let runtimeVersion = findRuntimeVersion(environment: environment, files: files, signals: &signals)
        let secondary = SecondarySignals(environment: environment)
        signals += secondary.descriptions

        let volumesMounted = files.isMountPoint("/Volumes")
        if volumesMounted {
            signals.append("\(files.displayPath("/Volumes")) is a mount point")
        }

        let compute: Compute
        if let runtimeVersion {
            compute = computeType(runtimeVersion: runtimeVersion, secondary: secondary, signals: &signals)
        } else {
            compute = .none
            if !secondary.descriptions.isEmpty {
                signals.append("no runtime version, so the other signals do not make this Databricks")
            }
        }
        return DatabricksEnvironment(
            isDatabricks: runtimeVersion != nil, compute: compute, runtimeVersion: runtimeVersion,
            clusterID: secondary.clusterID, volumesMounted: volumesMounted, signals: signals)
    }

    private static func findRuntimeVersion(
        environment: [String: String], files: FileProbe, signals: inout [String]
    ) -> String? {
        if let version = nonEmpty(environment["DATABRICKS_RUNTIME_VERSION"]) {
            signals.append("DATABRICKS_RUNTIME_VERSION=\(version)")
            return version
        }
        let versionFile = "/databricks/DBR_VERSION"
        if let version = nonEmpty(files.readSmallFile(versionFile)) {
            signals.append("\(files.displayPath(versionFile)) contains \(version)")
            return version
        }
        return nil
    }

    /// The version's shape wins; `IS_SERVERLESS` decides only for an unrecognised version.
    private static func computeType(
        runtimeVersion: String, secondary: SecondarySignals, signals: inout [String]
    ) -> Compute {
        if RuntimeVersion.isServerless(runtimeVersion) {
            if secondary.isServerless == false {
                signals.append("IS_SERVERLESS disagrees with runtime version \(runtimeVersion); the runtime version wins")
            }
            return .serverless
        }
        if RuntimeVersion.isClassic(runtimeVersion) {
            if secondary.isServerless == true {
                signals.append("IS_SERVERLESS=TRUE disagrees with runtime version \(runtimeVersion); the runtime version wins")
            }
            return .classic
        }
        signals.append("runtime version \(runtimeVersion) has no known shape")
        return secondary.isServerless == true ? .serverless : .classic
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingWhitespace(), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}

/// The environment variables that hint at Databricks without deciding it.
struct SecondarySignals {
    static let names = ["IS_SERVERLESS", "DB_IS_DRIVER", "DB_CLUSTER_ID", "DB_INSTANCE_TYPE", "SPARK_CONNECT_MODE_ENABLED"]

    var descriptions: [String] = []
    /// `IS_SERVERLESS` as a boolean, nil where unset.
    var isServerless: Bool?
    var clusterID: String?

    init(environment: [String: String]) {
        for name in Self.names {
            guard let value = DatabricksEnvironment.nonEmpty(environment[name]) else { continue }
            descriptions.append("\(name)=\(value)")
        }
        isServerless = DatabricksEnvironment.nonEmpty(environment["IS_SERVERLESS"]).map { $0.uppercased() == "TRUE" }
        clusterID = DatabricksEnvironment.nonEmpty(environment["DB_CLUSTER_ID"])
    }
}
