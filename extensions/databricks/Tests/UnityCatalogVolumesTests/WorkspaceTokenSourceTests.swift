import DatabricksEnvironment
import Foundation
import Testing

@testable import UnityCatalogVolumes

/// OAuth machine-to-machine against the stand-in's token endpoint.
@Suite struct WorkspaceTokenSourceTests {
    let path = try! VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")

    @Test func tokensAreFetchedOnceAndReused() async throws {
        let server = try FilesAPITestServer()
        defer { server.stop() }
        let client = server.client(credentials: server.oauthCredentials())
        try Data("abc".utf8).write(to: URL(fileURLWithPath: server.diskPath(path)))
        #expect(try await client.read(path, bytes: 0..<3) == Array("abc".utf8))
        #expect(try await client.metadata(of: path)?.size == 3)
        #expect(try await server.sessions().tokensIssued == 1)
        #expect(try await server.requestLog().first == "POST /oidc/v1/token 200")
    }

    /// Tokens living 4 s and an upload slowed (4 parts × 2.5 s) to outlast several: each request
    /// gets a fresh one. A token is renewed once half its life is gone, which leaves 2 s for a
    /// request to reach the server on a loaded machine (with 2 s tokens and 1 s of slack this
    /// failed once under a parallel build).
    @Test func anUploadLongerThanATokensLifeSucceeds() async throws {
        let server = try FilesAPITestServer(tokenLifetime: 4)
        let local = try TemporaryDirectory("oauth-local")
        defer {
            server.stop()
            local.remove()
        }
        let content = sampleBytes(1_200_000)
        let source = try local.write(content, to: "big.bin")
        try await server.addFault(["method": "PUT", "delay_seconds": 2.5, "count": -1])
        let client = server.client(
            credentials: server.oauthCredentials(), multipart: MultipartSettings(threshold: 1 << 20, partSize: 300_000))
        try await client.upload(source, to: path, overwrite: true)
        #expect(FileManager.default.contents(atPath: server.diskPath(path)) == content)
        #expect(try await server.sessions().tokensIssued >= 2)
        #expect(try await server.requestLog().contains { $0.hasSuffix(" 403") } == false)
    }

    @Test func aWrongSecretIsReportedWithoutTheSecret() async throws {
        let server = try FilesAPITestServer()
        defer { server.stop() }
        let wrong = "wrong-'\"$\\`;&|-secret"
        let client = server.client(credentials: server.oauthCredentials(secret: wrong))
        let error = await #expect(throws: VolumeError.self) { try await client.read(path, bytes: 0..<1) }
        guard case .oauthTokenFailed(let errorPath, let clientID, let endpoint, let reason) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(errorPath == path.path && clientID == server.clientID)
        #expect(endpoint == server.baseURL + "/oidc/v1/token")
        #expect(reason == "HTTP 401, invalid_client: Client authentication failed")
        for text in [error!.description, String(reflecting: error!)] {
            #expect(!text.contains(wrong) && !text.contains(server.clientSecret))
        }
    }

    /// A token rejected in flight (expired early, revoked) is dropped and fetched again once.
    @Test func aRejectedOAuthTokenIsRenewedOnce() async throws {
        let server = try FilesAPITestServer()
        defer { server.stop() }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: server.diskPath(path)))
        try await server.addFault(["method": "GET", "status": 403, "error_code": 403, "message": "Invalid access token.", "count": 1])
        let client = server.client(credentials: server.oauthCredentials())
        #expect(try await client.read(path, bytes: 0..<3) == Array("abc".utf8))
        #expect(try await server.sessions().tokensIssued == 2)
    }

    @Test func redactionCoversIssuedTokensAndTheSecret() async throws {
        let server = try FilesAPITestServer()
        defer { server.stop() }
        let client = server.client(credentials: server.oauthCredentials())
        let token = try await client.tokens.token(for: path.path)
        let text = client.tokens.redact("Bearer \(token) and \(server.clientSecret)")
        #expect(text == "[REDACTED] and [REDACTED]")
    }
}
