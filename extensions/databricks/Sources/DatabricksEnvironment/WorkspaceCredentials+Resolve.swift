#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension WorkspaceCredentials {
    /// Finds workspace credentials, or nil where none are configured at all.
    ///
    /// Each setting comes from its environment variable (`DATABRICKS_HOST`, `DATABRICKS_TOKEN`,
    /// `DATABRICKS_CLIENT_ID`, `DATABRICKS_CLIENT_SECRET`, `DATABRICKS_AUTH_TYPE`,
    /// `DATABRICKS_CLUSTER_ID`, `DATABRICKS_SERVERLESS_COMPUTE_ID`) or else from the config file
    /// profile named by `DATABRICKS_CONFIG_PROFILE` (default `DEFAULT`). The file is
    /// `configFile`, else `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`; a missing file is
    /// fine unless a profile was named explicitly.
    ///
    /// The kind is chosen in the SDKs' order: a token, then OAuth client credentials, then the
    /// Databricks CLI's cached login (`auth_type = databricks-cli`, or a host with nothing else);
    /// an explicit `auth_type` picks one.
    public static func resolve(
        environment: [String: String], configFile: String? = nil
    ) throws(CredentialsError) -> WorkspaceCredentials? {
        let fromEnvironment = Settings(environment: environment)
        let namedProfile = DatabricksEnvironment.nonEmpty(environment["DATABRICKS_CONFIG_PROFILE"])
        let profileName = namedProfile ?? "DEFAULT"
        let file = ConfigFileLocation(explicit: configFile, environment: environment)
        var fromProfile = Settings()
        if fromEnvironment.host == nil || !fromEnvironment.isComplete || namedProfile != nil {
            fromProfile = try file.settings(profile: profileName, required: namedProfile != nil)
        }
        let profileSource = "\(file.displayPath) profile \(profileName)"
        let merged = Merged(environment: fromEnvironment, profile: fromProfile, profileSource: profileSource)
        guard let host = merged.host else {
            if let secret = merged.token ?? merged.clientID { throw .missingHost(tokenSource: secret.origin) }
            return nil
        }
        var credentials = try authenticate(
            merged, host: host, profile: fromProfile.isEmpty ? nil : profileName, home: file.home)
        let serverlessID = fromEnvironment.serverlessComputeID ?? fromProfile.serverlessComputeID
        credentials.clusterID = fromEnvironment.clusterID ?? fromProfile.clusterID
        credentials.serverless = serverlessID?.lowercased() == "auto"
        return credentials
    }

    /// Picks the kind of credentials from what was found, as the SDKs do.
    private static func authenticate(
        _ merged: Merged, host: Found, profile: String?, home: String
    ) throws(CredentialsError) -> WorkspaceCredentials {
        let hostText = WorkspaceCredentials.normalise(host: host.value)
        let authType = merged.authType?.value.lowercased()
        switch authType {
        case nil, "pat"?, "oauth-m2m"?, "databricks-cli"?: break
        case let other?: throw .unsupportedAuthType(authType: other, source: merged.authType!.origin)
        }
        if let token = merged.token, authType == nil || authType == "pat" {
            var credentials = WorkspaceCredentials(
                host: hostText, token: token.value, source: merged.describe(host.origin, token.origin))
            credentials.tokenSource = token.origin
            return credentials
        }
        if let clientID = merged.clientID, authType == nil || authType == "oauth-m2m" {
            guard let secret = merged.clientSecret else { throw .missingClientSecret(clientIDSource: clientID.origin) }
            var credentials = WorkspaceCredentials(
                host: hostText, token: "", source: merged.describe(host.origin, clientID.origin, secret.origin))
            credentials.authentication = .oauthMachineToMachine(clientID: clientID.value, clientSecret: Secret(secret.value))
            return credentials
        }
        if authType == nil || authType == "databricks-cli" {
            let login: CLITokenCache.Login
            do {
                login = try CLITokenCache.login(home: home, profile: profile, host: hostText)
            } catch .cliLoginMissing where authType == nil {
                // A host and nothing else: say every way to authenticate, not only the CLI's.
                throw .missingToken(hostSource: host.origin, loginCommand: CLITokenCache.loginCommand(host: hostText, profile: profile))
            }
            var credentials = WorkspaceCredentials(
                host: hostText, token: login.accessToken, source: "~/.databricks/token-cache.json for \(profile.map { "profile \($0)" } ?? hostText)")
            credentials.authentication = .databricksCLI(profile: profile, expiry: login.expiry)
            return credentials
        }
        throw .missingToken(hostSource: host.origin, loginCommand: CLITokenCache.loginCommand(host: hostText, profile: profile))
    }
}

/// A value and where it came from (`DATABRICKS_TOKEN`, `~/.databrickscfg profile DEFAULT`).
private struct Found {
    var value: String
    var origin: String
}

/// Environment settings over profile settings, each remembering its origin.
private struct Merged {
    var host, token, clientID, clientSecret, authType: Found?
    var profileSource: String

    init(environment: Settings, profile: Settings, profileSource: String) {
        func pick(_ key: KeyPath<Settings, String?>, _ variable: String) -> Found? {
            environment[keyPath: key].map { Found(value: $0, origin: variable) }
                ?? profile[keyPath: key].map { Found(value: $0, origin: profileSource) }
        }
        host = pick(\.host, "DATABRICKS_HOST")
        token = pick(\.token, "DATABRICKS_TOKEN")
        clientID = pick(\.clientID, "DATABRICKS_CLIENT_ID")
        clientSecret = pick(\.clientSecret, "DATABRICKS_CLIENT_SECRET")
        authType = pick(\.authType, "DATABRICKS_AUTH_TYPE")
        self.profileSource = profileSource
    }

    /// `environment (A, B)`, `environment (A) and <profile>`, or the profile alone.
    func describe(_ origins: String...) -> String {
        var variables: [String] = []
        for origin in origins where origin != profileSource && !variables.contains(origin) { variables.append(origin) }
        if variables.isEmpty { return profileSource }
        let environment = "environment (\(variables.joined(separator: ", ")))"
        return variables.count == Set(origins).count ? environment : "\(environment) and \(profileSource)"
    }
}

/// The settings one source provides.
private struct Settings {
    var host: String?
    var token: String?
    var clientID: String?
    var clientSecret: String?
    var authType: String?
    var clusterID: String?
    var serverlessComputeID: String?

    init(
        host: String? = nil, token: String? = nil, clientID: String? = nil, clientSecret: String? = nil,
        authType: String? = nil, clusterID: String? = nil, serverlessComputeID: String? = nil
    ) {
        (self.host, self.token, self.clientID, self.clientSecret) = (host, token, clientID, clientSecret)
        (self.authType, self.clusterID, self.serverlessComputeID) = (authType, clusterID, serverlessComputeID)
    }

    /// Reads `DATABRICKS_*` variables, or a profile's lowercase keys, through `value`.
    init(_ value: (String) -> String?) {
        self.init(
            host: value("host"), token: value("token"), clientID: value("client_id"),
            clientSecret: value("client_secret"), authType: value("auth_type"),
            clusterID: value("cluster_id"), serverlessComputeID: value("serverless_compute_id"))
    }

    init(environment: [String: String]) {
        self.init { DatabricksEnvironment.nonEmpty(environment["DATABRICKS_" + $0.uppercased()]) }
    }

    /// Enough to authenticate without a profile.
    var isComplete: Bool { token != nil || (clientID != nil && clientSecret != nil) }
    var isEmpty: Bool { host == nil && token == nil && clientID == nil && authType == nil }
}

/// Where the config file is, and how to read one profile from it.
private struct ConfigFileLocation {
    var path: String
    var displayPath: String
    /// The home directory, where the Databricks CLI keeps its token cache too.
    var home: String

    init(explicit: String?, environment: [String: String]) {
        home = DatabricksEnvironment.nonEmpty(environment["HOME"]) ?? FileManager.default.homeDirectoryForCurrentUser.path
        if let path = explicit ?? DatabricksEnvironment.nonEmpty(environment["DATABRICKS_CONFIG_FILE"]) {
            self.path = path
            self.displayPath = path
        } else {
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
        return Settings { DatabricksEnvironment.nonEmpty(values[$0]) }
    }
}
