import DatabricksEnvironment
import Testing

@testable import DatabricksExtension

/// Databricks Connect from workspace credentials: the bearer token is the Files API's.
@Suite struct SparkEndpointAuthorisationTests {
    let oauth = [
        "HOME": "/nonexistent", "DATABRICKS_HOST": "https://dbc.cloud.databricks.com",
        "DATABRICKS_CLIENT_ID": "svc-1", "DATABRICKS_CLIENT_SECRET": "s3cr3t'\"$", "DATABRICKS_CLUSTER_ID": "0101-abc",
    ]

    @Test func anOAuthClientsEndpointGetsItsTokenBeforeConnecting() async throws {
        let endpoint = try #require(try SparkEndpoint.resolve(environment: oauth))
        #expect(endpoint.needsWorkspaceToken)
        #expect(endpoint.remote.token == "")
        #expect(endpoint.remote.headers["x-databricks-cluster-id"] == "0101-abc")
        #expect(!endpoint.summary.contains("s3cr3t"))
        let authorised = try await endpoint.authorised { () async throws(EndpointError) in "oauth-access-token" }
        #expect(authorised.remote.token == "oauth-access-token")
        #expect(authorised.remote.host == "dbc.cloud.databricks.com" && authorised.remote.port == 443)
    }

    @Test func aPersonalAccessTokenIsUsedAsItIs() async throws {
        var environment = oauth
        environment["DATABRICKS_TOKEN"] = "dapi-1"
        let endpoint = try #require(try SparkEndpoint.resolve(environment: environment))
        #expect(!endpoint.needsWorkspaceToken)
        let authorised = try await endpoint.authorised { () async throws(EndpointError) in "unused" }
        #expect(authorised.remote.token == "dapi-1")
    }

    /// The extension's context builds one Files API client whose token source serves both.
    @Test func theContextSharesOneTokenSource() throws {
        let context = ExtensionContext.current(oauth)
        let client = try #require(context.filesClient)
        #expect(client.tokens.isRefreshable)
        #expect(context.redact("secret s3cr3t'\"$ here") == "secret [REDACTED] here")
    }
}
