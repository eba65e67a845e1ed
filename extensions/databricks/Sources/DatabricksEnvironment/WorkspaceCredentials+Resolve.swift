#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension WorkspaceCredentials {
    /// Finds workspace credentials, or nil where none are configured at all.
    ///
    /// Each setting comes from its environment variable (`DATABRICKS_HOST`, `DATABRICKS_TOKEN`,
    /// `DATABRICKS_CLUSTER_ID`, `DATABRICKS_SERVERLESS_COMPUTE_ID`) or else from the config file
    /// profile named by `DATABRICKS_CONFIG_PROFILE` (default `DEFAULT`). The file is
    /// `configFile`, else `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`; a missing file is
    /// fine unless a profile was named explicitly.
    public static func resolve(
        environment: [String: String], configFile: String? = nil
    ) throws(CredentialsError) -> WorkspaceCredentials? {
        let fromEnvironment = Settings(
            host: DatabricksEnvironment.nonEmpty(environment["DATABRICKS_HOST"]),
            token: DatabricksEnvironment.nonEmpty(environment["DATABRICKS_TOKEN"]),
            clusterID: DatabricksEnvironment.nonEmpty(environment["DATABRICKS_CLUSTER_ID"]),
            serverlessComputeID: DatabricksEnvironment.nonEmpty(environment["DATABRICKS_SERVERLESS_COMPUTE_ID"]))

        let namedProfile = DatabricksEnvironment.nonEmpty(environment["DATABRICKS_CONFIG_PROFILE"])
        let profileName = namedProfile ?? "DEFAULT"
        let file = ConfigFileLocation(explicit: configFile, environment: environment)
        var fromProfile = Settings()
        if fromEnvironment.host == nil || fromEnvironment.token == nil || namedProfile != nil {
            fromProfile = try file.settings(profile: profileName, required: namedProfile != nil)
        }

        let profileSource = "\(file.displayPath) profile \(profileName)"
        let host = fromEnvironment.host.map { ($0, "DATABRICKS_HOST") } ?? fromProfile.host.map { ($0, profileSource) }
        let token = fromEnvironment.token.map { ($0, "DATABRICKS_TOKEN") } ?? fromProfile.token.map { ($0, profileSource) }
        switch (host, token) {
        case (nil, nil):
            return nil
        case (let host?, nil):
            throw .missingToken(hostSource: host.1)
        case (nil, let token?):
            throw .missingHost(tokenSource: token.1)
        case (let host?, let token?):
            let serverlessID = fromEnvironment.serverlessComputeID ?? fromProfile.serverlessComputeID
            var credentials = WorkspaceCredentials(
                host: host.0, token: token.0,
                source: describeSource(hostOrigin: host.1, tokenOrigin: token.1, profileSource: profileSource),
                clusterID: fromEnvironment.clusterID ?? fromProfile.clusterID,
                serverless: serverlessID?.lowercased() == "auto")
            credentials.tokenSource = token.1
            return credentials
        }
    }

    private static func describeSource(hostOrigin: String, tokenOrigin: String, profileSource: String) -> String {
        let variables = [hostOrigin, tokenOrigin].filter { $0 != profileSource }
        if variables.isEmpty { return profileSource }
        let environment = "environment (\(variables.joined(separator: ", ")))"
        return variables.count == 2 ? environment : "\(environment) and \(profileSource)"
    }
}

/// The settings one source provides.
private struct Settings {
    var host: String?
    var token: String?
    var clusterID: String?
    var serverlessComputeID: String?
}

/// Where the config file is, and how to read one profile from it.
private struct ConfigFileLocation {
    var path: String
    var displayPath: String

    init(explicit: String?, environment: [String: String]) {
        if let path = explicit ?? DatabricksEnvironment.nonEmpty(environment["DATABRICKS_CONFIG_FILE"]) {
            self.path = path
            self.displayPath = path
        } else {
            let home = DatabricksEnvironment.nonEmpty(environment["HOME"]) ?? FileManager.default.homeDirectoryForCurrentUser.path
            self.path = home + "/.databrickscfg"
            self.displayPath = "~/.databrickscfg"
        }
    }

    func settings(profile: String, required: Bool) throws(CredentialsError) -> Settings {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw .configFileNotFound(file: displayPath, profile: profile) }
            return Settings()
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw .unreadableConfigFile(file: displayPath, reason: "permission denied, or it is not a regular file")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadableConfigFile(file: displayPath, reason: "it is not UTF-8 text")
        }
        let config: DatabricksConfigFile
        do {
            config = try DatabricksConfigFile(parsing: text)
        } catch {
            switch error {
            case .malformedLine(let line): throw .malformedConfigFile(file: displayPath, line: line)
            }
        }
        guard let values = config.profiles[profile] else {
            if required { throw .profileNotFound(profile: profile, file: displayPath, available: config.profiles.keys.sorted()) }
            return Settings()
        }
        return Settings(
            host: DatabricksEnvironment.nonEmpty(values["host"]),
            token: DatabricksEnvironment.nonEmpty(values["token"]),
            clusterID: DatabricksEnvironment.nonEmpty(values["cluster_id"]),
            serverlessComputeID: DatabricksEnvironment.nonEmpty(values["serverless_compute_id"]))
    }
}
