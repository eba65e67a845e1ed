import HTTPTransfer

/// Words for a broken transfer, to follow "Could not transfer X: ".
enum TransportFailure {
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPTransferError { return error.reason }
        return String(describing: error)
    }

    /// Whether another attempt may succeed; a malformed workspace URL never will.
    static func isRetryable(_ error: any Error) -> Bool {
        (error as? HTTPTransferError)?.isRetryable ?? true
    }
}
