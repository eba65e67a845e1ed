import DatabricksEnvironment
import HTTPTransfer
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) as databricks-sdk-py's
/// `ClientCredentials` sends it with `use_header=True`: a form POST of
/// `grant_type=client_credentials&scope=all-apis`, the client id and secret in
/// `Authorization: Basic`; the answer is JSON `{access_token, token_type, expires_in}`.
enum OAuthClientCredentials {
    struct Token {
        var accessToken: String
        var lifetime: Duration
    }

    static func fetch(
        endpoint: String, clientID: String, secret: Secret, httpClient: HTTPTransferClient, path: String
    ) async throws(VolumeError) -> Token {
        func failure(_ reason: String) -> VolumeError {
            .oauthTokenFailed(
                path: path, clientID: clientID, endpoint: endpoint,
                reason: WorkspaceCredentials.redact(secret.value, in: reason))
        }
        var request = HTTPTransferRequest(method: .POST, url: endpoint)
        let basic = Data("\(clientID):\(secret.value)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(basic)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "User-Agent", value: "pyforge-databricks")
        request.body = .bytes(ByteBuffer(string: "grant_type=client_credentials&scope=all-apis"))
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await httpClient.execute(request) { response in
                (Int(response.status.code), Array(try await response.body.collect(upTo: 64 * 1024).readableBytesView))
            }
        } catch {
            throw failure(TransportFailure.reason(error))
        }
        let payload = try? JSONDecoder().decode(Payload.self, from: Data(answer.body))
        guard (200..<300).contains(answer.status) else {
            let said = [payload?.error, payload?.errorDescription].compactMap { $0 }.joined(separator: ": ")
            throw failure("HTTP \(answer.status)" + (said.isEmpty ? "" : ", \(said)"))
        }
        guard let payload, let token = payload.accessToken, !token.isEmpty, let expiresIn = payload.expiresIn, expiresIn > 0 else {
            throw failure("the answer had no access_token and expires_in")
        }
        return Token(accessToken: token, lifetime: .seconds(min(expiresIn, 86_400 * 365)))
    }

    private struct Payload: Decodable {
        var accessToken: String?
        var expiresIn: Int?
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case error
            case errorDescription = "error_description"
        }
    }
}
