import DatabricksEnvironment
import HTTPTransfer
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The bearer token for each request to the workspace.
///
/// A personal access token or the Databricks CLI's cached token is used as it is. For OAuth
/// machine-to-machine, as databricks-sdk-py's `oauth_service_principal` does: the token
/// endpoint is discovered at `{host}/oidc/.well-known/oauth-authorization-server` (falling
/// back to `{host}/oidc/v1/token`), a token is fetched with the client-credentials grant,
/// scope `all-apis`, the client id and secret in HTTP basic auth, then kept in memory and
/// fetched again once it is stale. The SDK calls a token stale when less than
/// min(half its lifetime, 20 minutes) is left and refreshes it in the background; we refresh
/// before the request instead (one conversion sends few requests). A token the workspace
/// rejects is dropped and fetched again once.
public final class WorkspaceTokenSource: Sendable {
    public let credentials: WorkspaceCredentials
    private let httpClient: HTTPTransferClient
    private let state = Mutex(State())

    private struct State {
        var token: String?
        var staleAt: ContinuousClock.Instant?
        var tokenEndpoint: String?
        /// Every token handed out, for redaction (a handful per run).
        var issued: [String] = []
    }

    public init(credentials: WorkspaceCredentials, httpClient: HTTPTransferClient = HTTPTransferClient()) {
        self.credentials = credentials
        self.httpClient = httpClient
    }

    /// Whether tokens are fetched (and can be fetched again after a rejection).
    public var isRefreshable: Bool {
        if case .oauthMachineToMachine = credentials.authentication { return true }
        return false
    }

    /// The token to send now; `path` only names the file in errors.
    public func token(for path: String) async throws(VolumeError) -> String {
        guard case .oauthMachineToMachine(let clientID, let secret) = credentials.authentication else {
            return credentials.token
        }
        let now = ContinuousClock.now
        if let cached = state.withLock({ state in state.staleAt.map { now < $0 } == true ? state.token : nil }) {
            return cached
        }
        let endpoint = await tokenEndpoint()
        let fetched = try await OAuthClientCredentials.fetch(
            endpoint: endpoint, clientID: clientID, secret: secret, httpClient: httpClient, path: path)
        let staleAfter = min(fetched.lifetime / 2, .seconds(20 * 60))
        state.withLock { state in
            state.token = fetched.accessToken
            state.staleAt = now + max(.zero, fetched.lifetime - staleAfter)
            state.issued.append(fetched.accessToken)
        }
        return fetched.accessToken
    }

    /// Forgets `token` after the workspace rejected it, so the next call fetches another.
    /// Returns whether a new token can be had at all.
    public func invalidate(_ token: String) -> Bool {
        guard isRefreshable else { return false }
        state.withLock { state in
            if state.token == token { (state.token, state.staleAt) = (nil, nil) }
        }
        return true
    }

    /// Removes the static secrets and every token handed out from `text`.
    public func redact(_ text: String) -> String {
        var text = credentials.redact(text)
        for token in state.withLock({ $0.issued }) { text = WorkspaceCredentials.redact(token, in: text) }
        return text
    }

    /// The discovered token endpoint, looked up once; only one on the workspace's own origin
    /// is used, so the client secret never goes to another host.
    private func tokenEndpoint() async -> String {
        if let known = state.withLock({ $0.tokenEndpoint }) { return known }
        let host = credentials.host
        var endpoint = host + "/oidc/v1/token"
        let discovery = HTTPTransferRequest(method: .GET, url: host + "/oidc/.well-known/oauth-authorization-server")
        let discovered: String? = try? await httpClient.execute(discovery) { response in
            guard response.status == .ok else { return nil }
            let body = try await response.body.collect(upTo: 64 * 1024)
            struct Metadata: Decodable { var token_endpoint: String? }
            return try? JSONDecoder().decode(Metadata.self, from: Data(body.readableBytesView)).token_endpoint
        }
        if let discovered, discovered.hasPrefix(host + "/") { endpoint = discovered }
        state.withLock { $0.tokenEndpoint = endpoint }
        return endpoint
    }
}
