/// Why workspace credentials could not be resolved. Messages never contain a token.
public enum CredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The named profile is not in the config file, which has the `available` profiles (sorted).
    case profileNotFound(profile: String, file: String, available: [String])
    /// A profile was named but the config file does not exist.
    case configFileNotFound(file: String, profile: String)
    /// The config file exists but could not be read.
    case unreadableConfigFile(file: String, reason: String)
    /// A line of the config file is neither a section, a `key = value` pair nor a comment.
    case malformedConfigFile(file: String, line: Int)
    /// A host was found but no token, OAuth client or CLI login to go with it.
    case missingToken(hostSource: String, loginCommand: String)
    /// An OAuth client id was found but no client secret.
    case missingClientSecret(clientIDSource: String)
    /// `auth_type` names a kind pyforge does not support.
    case unsupportedAuthType(authType: String, source: String)
    /// A `databricks-cli` profile, but the CLI's token cache has no login for it.
    case cliLoginMissing(host: String, profile: String?, cache: String, command: String)
    /// The CLI's cached access token has expired (or is about to).
    case cliLoginExpired(host: String, profile: String?, refreshCommand: String, loginCommand: String)
    /// The CLI's token cache exists but cannot be read.
    case unreadableTokenCache(file: String, reason: String, command: String)
    /// A token was found but no host to go with it.
    case missingHost(tokenSource: String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .profileNotFound(let profile, let file, let available):
            let known = available.isEmpty ? "it has no profiles" : "it has \(available.joined(separator: ", "))"
            return "The Databricks profile '\(profile)' is not in \(file) (\(known)). "
                + "Set DATABRICKS_CONFIG_PROFILE to one of its profiles, or add a [\(profile)] section with host and token."
        case .configFileNotFound(let file, let profile):
            return "The Databricks profile '\(profile)' was asked for (DATABRICKS_CONFIG_PROFILE) but the config file \(file) does not exist. "
                + "Create it with a [\(profile)] section holding host and token, or set DATABRICKS_CONFIG_FILE to the right file."
        case .unreadableConfigFile(let file, let reason):
            return "The Databricks config file \(file) could not be read: \(reason). "
                + "Fix its permissions, or point DATABRICKS_CONFIG_FILE at a readable file."
        case .malformedConfigFile(let file, let line):
            return "Line \(line) of the Databricks config file \(file) is not a [profile] header, a 'key = value' pair or a comment. "
                + "Fix that line (profiles look like '[DEFAULT]' followed by 'host = ...' and 'token = ...')."
        case .missingToken(let hostSource, let loginCommand):
            return "A Databricks host is configured (\(hostSource)) but no credentials for it. "
                + "Set DATABRICKS_TOKEN (or 'token = <personal access token>' in the profile), "
                + "or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET for a service principal, "
                + "or run '\(loginCommand)' to log in with the Databricks CLI."
        case .missingClientSecret(let clientIDSource):
            return "An OAuth client id is configured (\(clientIDSource)) but no client secret. "
                + "Set DATABRICKS_CLIENT_SECRET (or 'client_secret = ...' in the profile) to the service principal's OAuth secret."
        case .unsupportedAuthType(let authType, let source):
            return "The Databricks auth type '\(authType)' (\(source)) is not supported by pyforge. "
                + "Use auth_type = pat, oauth-m2m or databricks-cli, or remove the setting to pick one from the credentials given."
        case .cliLoginMissing(let host, let profile, let cache, let command):
            return "The Databricks CLI has no login for \(host)\(profile.map { " (profile \($0))" } ?? "") in \(cache). "
                + "Run '\(command)', then run pyforge again."
        case .cliLoginExpired(let host, let profile, let refreshCommand, let loginCommand):
            return "The Databricks CLI login for \(host)\(profile.map { " (profile \($0))" } ?? "") has expired. "
                + "Run '\(refreshCommand)' to refresh it (or '\(loginCommand)' if that fails), then run pyforge again."
        case .unreadableTokenCache(let file, let reason, let command):
            return "The Databricks CLI token cache \(file) could not be read: \(reason). "
                + "Run '\(command)' to write it again."
        case .missingHost(let tokenSource):
            return "A Databricks token is configured (\(tokenSource)) but no workspace host. "
                + "Set DATABRICKS_HOST (for example https://adb-1234567890123456.7.azuredatabricks.net) or add 'host = ...' to the profile."
        }
    }
}
