/// Reading or writing a volume failed. Messages name the path, what went wrong and the fix,
/// and never contain the token (server messages are redacted before they get here).
public enum VolumeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What an operation needed: reading needs READ VOLUME, writing WRITE VOLUME.
    public enum Access: String, Sendable, Equatable {
        /// Reading a file or its metadata.
        case read
        /// Writing a file or creating a directory.
        case write
    }

    /// The path text is not a volume path.
    case invalidPath(VolumePathError)
    /// The file or directory does not exist (or is not visible to this principal).
    case notFound(path: String)
    /// The destination exists and overwriting was not asked for.
    case destinationExists(path: String)
    /// The workspace rejected the token (HTTP 401, or 403 with a body saying so).
    case tokenRejected(path: String, serverMessage: String?, renewal: TokenRenewal)
    /// No OAuth access token could be had from the workspace's token endpoint.
    case oauthTokenFailed(path: String, clientID: String, endpoint: String, reason: String)
    /// The principal lacks a Unity Catalog privilege (HTTP 403).
    case permissionDenied(path: String, access: Access, serverMessage: String?)
    /// The Files API answered with an unexpected status, after any retries.
    case requestFailed(path: String, status: Int, attempts: Int, serverMessage: String?)
    /// The workspace could not be reached, or the connection broke, after any retries.
    case connectionFailed(path: String, attempts: Int, reason: String)
    /// The operation was cancelled; nothing partial was left behind.
    case cancelled(path: String)
    /// A local file or a file in the mounted volume could not be read or written.
    case fileSystem(path: String, operation: String, reason: String)
    /// The volume (its catalog, schema or volume directory) is not mounted at the mount root.
    case volumeNotMounted(path: String, mountRoot: String)

    /// What went wrong, for which path, and what to do.
    public var description: String {
        switch self {
        case .invalidPath(let error):
            return error.description
        case .notFound(let path):
            return "'\(path)' does not exist. Check the catalog, schema and volume names and the path inside the volume, "
                + "and that you have USE CATALOG, USE SCHEMA and READ VOLUME on it (objects you cannot see look missing)."
        case .destinationExists(let path):
            return "'\(path)' already exists. Use --force to overwrite it, or choose another destination."
        case .tokenRejected(let path, let serverMessage, let renewal):
            return "Could not access '\(path)': the workspace rejected the token (expired or revoked)\(detail(serverMessage)). "
                + renewal.advice
        case .oauthTokenFailed(let path, let clientID, let endpoint, let reason):
            return "Could not access '\(path)': the workspace gave no OAuth token to client \(clientID) at \(endpoint) (\(reason)). "
                + "Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (or the profile's client_id and client_secret) "
                + "and DATABRICKS_HOST; create a new OAuth secret for the service principal if it expired."
        case .permissionDenied(let path, let access, let serverMessage):
            let privilege = access == .read ? "READ VOLUME" : "WRITE VOLUME"
            let verb = access == .read ? "read" : "write"
            return "Permission denied to \(verb) '\(path)'\(detail(serverMessage)). "
                + "To \(verb) it you need \(privilege) on the volume \(volumeName(path)) plus USE CATALOG on its catalog "
                + "and USE SCHEMA on its schema; ask the volume's owner or a metastore admin to grant them."
        case .requestFailed(let path, let status, let attempts, let serverMessage):
            return "The Files API answered HTTP \(status) for '\(path)'\(detail(serverMessage))\(tries(attempts)). "
                + (status >= 500 || status == 429
                    ? "The workspace is busy or failing; try again later."
                    : "Check the path and the request; this is not a transient failure.")
        case .connectionFailed(let path, let attempts, let reason):
            return "Could not transfer '\(path)': \(reason)\(tries(attempts)). "
                + "Check DATABRICKS_HOST, your network connection and proxy, then try again; nothing partial was left behind."
        case .cancelled(let path):
            return "The transfer of '\(path)' was cancelled; nothing partial was left behind."
        case .fileSystem(let path, let operation, let reason):
            return "Could not \(operation) '\(path)': \(reason). Check that the path exists, is the right kind of file, "
                + "and that there is space and permission to write; nothing partial was left behind."
        case .volumeNotMounted(let path, let mountRoot):
            return "'\(path)' is not reachable under \(mountRoot): its volume is not mounted there. "
                + "Check the catalog, schema and volume names, or use the Files API (set DATABRICKS_HOST and DATABRICKS_TOKEN) off Databricks."
        }
    }

    private func detail(_ serverMessage: String?) -> String {
        guard let serverMessage, !serverMessage.isEmpty else { return "" }
        return " (the workspace said: \(serverMessage))"
    }

    private func tries(_ attempts: Int) -> String {
        attempts > 1 ? ", after \(attempts) attempts" : ""
    }

    /// `catalog.schema.volume` for a canonical path, else the path itself.
    private func volumeName(_ path: String) -> String {
        guard let parsed = try? VolumePath(parsing: path) else { return path }
        return parsed.volumeFullName
    }
}
