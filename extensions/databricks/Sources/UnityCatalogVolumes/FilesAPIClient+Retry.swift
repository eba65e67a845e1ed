import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension FilesAPIClient {
    /// Sends the request built by `makeRequest` until it succeeds, retrying 408, 429, 5xx and
    /// broken connections (also mid-body) as the retry policy allows, and turns failures into
    /// ``VolumeError``s. Local file errors (a ``VolumeError`` thrown while streaming) are not retried.
    func perform<Result: Sendable>(
        on path: VolumePath, access: VolumeError.Access, overwrite: Bool = true,
        request makeRequest: () throws(VolumeError) -> HTTPClientRequest,
        onSuccess: (HTTPClientResponse) async throws -> Result
    ) async throws(VolumeError) -> Result {
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw .cancelled(path: path.path) }
            let retryable: FailedAttempt
            do {
                let response = try await httpClient.execute(try makeRequest(), deadline: .distantFuture)
                let status = Int(response.status.code)
                if (200..<300).contains(status) {
                    return try await onSuccess(response)
                }
                let failure = await FailedAttempt(response: response, redact: credentials.redact)
                guard failure.isRetryable else {
                    throw failure.error(path: path, access: access, overwrite: overwrite, attempts: attempt)
                }
                retryable = failure
            } catch let error as VolumeError {
                throw error
            } catch is CancellationError {
                throw .cancelled(path: path.path)
            } catch {
                if Task.isCancelled { throw .cancelled(path: path.path) }
                retryable = FailedAttempt(connectionError: error, redact: credentials.redact)
            }
            guard attempt < retry.maxAttempts else {
                throw retryable.error(path: path, access: access, overwrite: overwrite, attempts: attempt)
            }
            do {
                try await Task.sleep(for: retry.delay(beforeRetry: attempt, retryAfter: retryable.retryAfter))
            } catch {
                throw .cancelled(path: path.path)
            }
        }
    }
}

/// One failed attempt: an HTTP error answer or a broken connection.
struct FailedAttempt: Sendable {
    var status: Int?
    var serverMessage: String?
    var retryAfter: Duration?
    var connectionReason: String?

    var isRetryable: Bool {
        guard let status else { return true }
        return status == 408 || status == 429 || status >= 500
    }

    init(response: HTTPClientResponse, redact: (String) -> String) async {
        status = Int(response.status.code)
        serverMessage = await DatabricksErrorBody.message(of: response).map(redact)
        retryAfter = response.headers.first(name: "Retry-After").flatMap(RetryAfter.parse)
    }

    init(connectionError: any Error, redact: (String) -> String) {
        connectionReason = redact(TransportFailure.reason(connectionError))
    }

    /// Maps the status to what the user needs to know.
    func error(path: VolumePath, access: VolumeError.Access, overwrite: Bool, attempts: Int) -> VolumeError {
        guard let status else {
            return .connectionFailed(path: path.path, attempts: attempts, reason: connectionReason ?? "the connection failed")
        }
        switch status {
        case 401: return .tokenRejected(path: path.path, serverMessage: serverMessage)
        case 403: return .permissionDenied(path: path.path, access: access, serverMessage: serverMessage)
        case 404: return .notFound(path: path.path)
        case 409 where access == .write && !overwrite: return .destinationExists(path: path.path)
        default:
            return .requestFailed(path: path.path, status: status, attempts: attempts, serverMessage: serverMessage)
        }
    }
}
