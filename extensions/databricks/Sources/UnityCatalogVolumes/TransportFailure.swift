import AsyncHTTPClient

/// Words for a broken transfer, where AsyncHTTPClient's own names would puzzle a user.
enum TransportFailure {
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .remoteConnectionClosed: return "the connection closed before the transfer finished"
            case .connectTimeout: return "connecting to the workspace timed out"
            case .readTimeout: return "the workspace stopped sending data"
            case .writeTimeout: return "the workspace stopped accepting data"
            case .bodyLengthMismatch: return "the local file changed size while it was being uploaded"
            default: break
            }
        }
        return String(describing: error)
    }
}
