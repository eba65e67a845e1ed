#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a workspace is authenticated, in the order the Databricks SDKs try them ("unified
/// client authentication", databricks-sdk-py `credentials_provider.py`): a personal access
/// token, OAuth machine-to-machine client credentials, or the Databricks CLI's OAuth login.
public enum WorkspaceAuthentication: Sendable, Equatable {
    /// A personal access token (`DATABRICKS_TOKEN` or a profile's `token`), sent as is.
    case personalAccessToken
    /// A service principal's OAuth client id and secret: access tokens are fetched from the
    /// workspace's `/oidc/v1/token` endpoint (client-credentials grant, scope `all-apis`).
    case oauthMachineToMachine(clientID: String, clientSecret: Secret)
    /// The access token `databricks auth login` left in `~/.databricks/token-cache.json`;
    /// `profile` is the profile that asked for it, `expiry` when the token lapses.
    case databricksCLI(profile: String?, expiry: Date?)

    /// The name the SDKs give this kind (`auth_type` in `~/.databrickscfg`).
    public var authType: String {
        switch self {
        case .personalAccessToken: return "pat"
        case .oauthMachineToMachine: return "oauth-m2m"
        case .databricksCLI: return "databricks-cli"
        }
    }
}

/// A secret value that no description, debug description or reflection shows.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; never print it.
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "[REDACTED]" }
    public var debugDescription: String { "[REDACTED]" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
