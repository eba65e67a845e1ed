import HTTPTransfer
import NIOCore
import NIOHTTP1

extension FilesAPIClient {
    /// Sends the request built by `makeRequest` until it succeeds, retrying 408, 429, 5xx and
    /// broken connections (also mid-body) as the retry policy allows, and turns failures into
    /// ``VolumeError``s. Local file errors (a ``VolumeError`` thrown while streaming) are not retried.
    /// An OAuth token the workspace rejects is dropped and the request sent once more with a
    /// fresh one (it may have lapsed in flight); any other rejected token is final.
    func perform<Result: Sendable>(
        on path: VolumePath, access: VolumeError.Access, overwrite: Bool = true,
        request makeRequest: () async throws(VolumeError) -> HTTPTransferRequest,
        onSuccess: (HTTPTransferResponse) async throws -> Result
    ) async throws(VolumeError) -> Result {
        var attempt = 0
        var renewedToken = false
        while true {
            attempt += 1
            if Task.isCancelled { throw .cancelled(path: path.path) }
            let retryable: FailedAttempt
            let built: HTTPTransferRequest
            do {
                built = try await makeRequest()
            } catch .oauthTokenFailed(_, let clientID, let endpoint, let reason) {
                throw .oauthTokenFailed(path: path.path, clientID: clientID, endpoint: endpoint, reason: reason)
            }
            do {
                let answer: Answer<Result> = try await httpClient.execute(built) { response in
                    guard (200..<300).contains(Int(response.status.code)) else {
                        return .failed(await FailedAttempt(response: response, redact: tokens.redact))
                    }
                    return .succeeded(try await onSuccess(response))
                }
                switch answer {
                case .succeeded(let result):
                    return result
                case .failed(let failure):
                    if failure.rejectsToken, !renewedToken, tokens.invalidate(Self.bearer(of: built)) {
                        renewedToken = true
                        attempt -= 1
                        continue
                    }
                    guard failure.isRetryable else {
                        throw failure.error(
                            path: path, access: access, overwrite: overwrite, attempts: attempt, renewal: TokenRenewal(credentials))
                    }
                    retryable = failure
                }
            } catch let error as VolumeError {
                throw error
            } catch is CancellationError {
                throw .cancelled(path: path.path)
            } catch {
                if Task.isCancelled { throw .cancelled(path: path.path) }
                retryable = FailedAttempt(connectionError: error, redact: tokens.redact)
            }
            guard attempt < retry.maxAttempts, retryable.isRetryable else {
                throw retryable.error(
                    path: path, access: access, overwrite: overwrite, attempts: attempt, renewal: TokenRenewal(credentials))
            }
            do {
                try await Task.sleep(for: retry.delay(beforeRetry: attempt, retryAfter: retryable.retryAfter))
            } catch {
                throw .cancelled(path: path.path)
            }
        }
    }
}

extension FilesAPIClient {
    /// The token a request carried.
    static func bearer(of request: HTTPTransferRequest) -> String {
        let value = request.headers.first(name: "Authorization") ?? ""
        return value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : ""
    }
}

/// What one attempt came to, inside the connection's lifetime.
private enum Answer<Result: Sendable>: Sendable {
    case succeeded(Result)
    case failed(FailedAttempt)
}

/// One failed attempt: an HTTP error answer or a broken connection.
struct FailedAttempt: Sendable {
    var status: Int?
    var body: DatabricksErrorBody?
    var serverMessage: String?
    var retryAfter: Duration?
    var connectionReason: String?
    var connectionRetryable = true

    var isRetryable: Bool {
        guard let status else { return connectionRetryable }
        return status == 408 || status == 429 || status >= 500
    }

    init(status: Int, body: DatabricksErrorBody?, retryAfter: Duration? = nil, redact: (String) -> String) {
        self.status = status
        self.body = body
        serverMessage = body?.summary.map(redact)
        self.retryAfter = retryAfter
    }

    init(response: HTTPTransferResponse, redact: (String) -> String) async {
        // An error body that breaks off still says something; what arrived is used.
        let bytes = (try? await response.body.collect(upTo: 64 * 1024)).map { Array($0.readableBytesView) } ?? []
        self.init(
            status: Int(response.status.code), body: DatabricksErrorBody(bytes),
            retryAfter: response.headers.first(name: "Retry-After").flatMap(RetryAfter.parse), redact: redact)
    }

    init(connectionError: any Error, redact: (String) -> String) {
        connectionReason = redact(TransportFailure.reason(connectionError))
        connectionRetryable = TransportFailure.isRetryable(connectionError)
    }

    /// Whether the workspace refused the token itself (401, or 403 with a body saying so).
    var rejectsToken: Bool {
        status == 401 || (status == 403 && body?.rejectsToken == true)
    }

    /// Maps the status to what the user needs to know.
    func error(
        path: VolumePath, access: VolumeError.Access, overwrite: Bool, attempts: Int, renewal: TokenRenewal
    ) -> VolumeError {
        guard let status else {
            return .connectionFailed(path: path.path, attempts: attempts, reason: connectionReason ?? "the connection failed")
        }
        switch status {
        // The workspace answers a bad token with 403 too, told apart by its body.
        case _ where rejectsToken: return .tokenRejected(path: path.path, serverMessage: serverMessage, renewal: renewal)
        case 403: return .permissionDenied(path: path.path, access: access, serverMessage: serverMessage)
        case 404: return .notFound(path: path.path)
        case 409 where access == .write && !overwrite: return .destinationExists(path: path.path)
        default:
            return .requestFailed(path: path.path, status: status, attempts: attempts, serverMessage: serverMessage)
        }
    }
}
