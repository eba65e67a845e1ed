import DatabricksEnvironment

/// How the user gets a working token again once the workspace rejected one; the message
/// differs by kind of credentials (the workspace cannot tell which kind it refused).
public enum TokenRenewal: Sendable, Equatable {
    /// A personal access token: make a new one, or switch to an OAuth login.
    case personalAccessToken(host: String)
    /// OAuth client credentials: the secret is wrong, expired or deleted.
    case oauthClient(clientID: String)
    /// The Databricks CLI's cached login: log in again.
    case databricksCLI(command: String)

    init(_ credentials: WorkspaceCredentials) {
        switch credentials.authentication {
        case .personalAccessToken: self = .personalAccessToken(host: credentials.host)
        case .oauthMachineToMachine(let clientID, _): self = .oauthClient(clientID: clientID)
        case .databricksCLI(let profile, _):
            self = .databricksCLI(command: "databricks auth login --host \(credentials.host)" + (profile.map { " --profile \($0)" } ?? ""))
        }
    }

    /// The fix, as a sentence.
    var advice: String {
        switch self {
        case .personalAccessToken(let host):
            return "Create a new personal access token in the workspace (Settings > Developer > Access tokens) "
                + "and put it in DATABRICKS_TOKEN or the token line of your ~/.databrickscfg profile, "
                + "or log in with 'databricks auth login --host \(host)' and use that profile; "
                + "check that DATABRICKS_HOST is the workspace the token belongs to."
        case .oauthClient(let clientID):
            return "Check that the OAuth secret of service principal \(clientID) is current "
                + "(create a new one in the account console and set DATABRICKS_CLIENT_SECRET) "
                + "and that the principal belongs to this workspace."
        case .databricksCLI(let command):
            return "Run '\(command)' to log in again, then run pyforge again."
        }
    }
}
