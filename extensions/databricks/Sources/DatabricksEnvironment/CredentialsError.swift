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
    /// A host was found but no token to go with it.
    case missingToken(hostSource: String)
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
        case .missingToken(let hostSource):
            return "A Databricks host is configured (\(hostSource)) but no token. "
                + "Set DATABRICKS_TOKEN or add 'token = <personal access token>' to the profile; pyforge uses personal access tokens."
        case .missingHost(let tokenSource):
            return "A Databricks token is configured (\(tokenSource)) but no workspace host. "
                + "Set DATABRICKS_HOST (for example https://adb-1234567890123456.7.azuredatabricks.net) or add 'host = ...' to the profile."
        }
    }
}
