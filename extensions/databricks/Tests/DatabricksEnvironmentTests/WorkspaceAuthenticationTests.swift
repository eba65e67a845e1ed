import Foundation
import Testing

@testable import DatabricksEnvironment
import Values

/// OAuth client credentials and the Databricks CLI's token cache, in the SDKs' order.
@Suite struct WorkspaceAuthenticationTests {
    static let secret = "dose-'\"$\\`;&|-0123456789"

    /// A home with an optional config file and token cache, removed by the caller.
    func makeHome(config: String? = nil, cache: String? = nil) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home + "/.databricks", withIntermediateDirectories: true)
        if let config { try config.write(toFile: home + "/.databrickscfg", atomically: true, encoding: .utf8) }
        if let cache { try cache.write(toFile: home + "/.databricks/token-cache.json", atomically: true, encoding: .utf8) }
        return home
    }

    /// A token cache as the CLI writes it (`json.MarshalIndent` of `FileTokenCache`).
    func cache(key: String, token: String = "eyJ-cached", expiry: String) -> String {
        """
        {
          "version": 1,
          "tokens": {
            "\(key)": {
              "access_token": "\(token)",
              "token_type": "Bearer",
              "refresh_token": "refresh-secret",
              "expiry": "\(expiry)"
            }
          }
        }
        """
    }

    @Test func clientCredentialsFromTheEnvironment() throws {
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: [
            "HOME": "/nonexistent", "DATABRICKS_HOST": "dbc.cloud.databricks.com",
            "DATABRICKS_CLIENT_ID": "svc-1", "DATABRICKS_CLIENT_SECRET": Self.secret,
        ]))
        #expect(credentials.authentication == .oauthMachineToMachine(clientID: "svc-1", clientSecret: Secret(Self.secret)))
        #expect(credentials.token.isEmpty)
        #expect(credentials.description
            == "https://dbc.cloud.databricks.com (OAuth client svc-1 from environment (DATABRICKS_HOST, DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET))")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, String(reflecting: credentials), dumped, "\(credentials.authentication)"] {
            #expect(!text.contains(Self.secret), "the secret leaked: \(text)")
        }
        #expect(credentials.redact("secret=\(Self.secret)") == "secret=[REDACTED]")
    }

    @Test func aTokenComesBeforeClientCredentials() throws {
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: [
            "HOME": "/nonexistent", "DATABRICKS_HOST": "h", "DATABRICKS_TOKEN": "dapi-1",
            "DATABRICKS_CLIENT_ID": "svc-1", "DATABRICKS_CLIENT_SECRET": Self.secret,
        ]))
        #expect(credentials.authentication == .personalAccessToken)
        #expect(credentials.token == "dapi-1")
        // An explicit auth type picks the other.
        let chosen = try #require(try WorkspaceCredentials.resolve(environment: [
            "HOME": "/nonexistent", "DATABRICKS_HOST": "h", "DATABRICKS_TOKEN": "dapi-1", "DATABRICKS_AUTH_TYPE": "oauth-m2m",
            "DATABRICKS_CLIENT_ID": "svc-1", "DATABRICKS_CLIENT_SECRET": Self.secret,
        ]))
        #expect(chosen.authentication.authType == "oauth-m2m")
    }

    @Test func clientCredentialsFromAProfile() throws {
        let home = try makeHome(config: "[sp]\nhost = https://dbc.cloud.databricks.com/\nclient_id = svc-2\nclient_secret = \(Self.secret)\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "sp"]))
        #expect(credentials.authentication == .oauthMachineToMachine(clientID: "svc-2", clientSecret: Secret(Self.secret)))
        #expect(credentials.source == "~/.databrickscfg profile sp")
    }

    @Test func aClientIDWithoutSecretIsAnError() {
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": "/nonexistent", "DATABRICKS_HOST": "h", "DATABRICKS_CLIENT_ID": "svc"])
        }
        #expect(error == .missingClientSecret(clientIDSource: "DATABRICKS_CLIENT_ID"))
        #expect(error?.description.contains("Set DATABRICKS_CLIENT_SECRET") == true)
    }

    @Test func anUnknownAuthTypeIsAnError() {
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: [
                "HOME": "/nonexistent", "DATABRICKS_HOST": "h", "DATABRICKS_TOKEN": "t", "DATABRICKS_AUTH_TYPE": "azure-cli",
            ])
        }
        #expect(error == .unsupportedAuthType(authType: "azure-cli", source: "DATABRICKS_AUTH_TYPE"))
    }

    /// A profile `databricks auth login` wrote: host and auth type, the token in the CLI's cache under the profile's name.
    @Test func aCLIProfileUsesTheCachedToken() throws {
        let home = try makeHome(
            config: "[dev]\nhost = https://dbc.cloud.databricks.com\nauth_type = databricks-cli\n",
            cache: cache(key: "dev", expiry: "2099-01-02T03:04:05.123456789+01:00"))
        defer { try? FileManager.default.removeItem(atPath: home) }
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "dev"]))
        #expect(credentials.token == "eyJ-cached")
        #expect(credentials.authentication == .databricksCLI(
            profile: "dev", expiry: CivilTime.parseRFC3339("2099-01-02T02:04:05.123456789Z")))
        #expect(credentials.description == "https://dbc.cloud.databricks.com (Databricks CLI login via ~/.databricks/token-cache.json for profile dev)")
    }

    /// Older CLIs key the cache by host; a host alone (no auth type) finds that login too.
    @Test func aHostKeyedLoginIsFound() throws {
        let home = try makeHome(cache: cache(key: "https://dbc.cloud.databricks.com", expiry: "2099-01-01T00:00:00Z"))
        defer { try? FileManager.default.removeItem(atPath: home) }
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_HOST": "dbc.cloud.databricks.com/"]))
        #expect(credentials.authentication == .databricksCLI(profile: nil, expiry: CivilTime.parseRFC3339("2099-01-01T00:00:00Z")))
    }

    @Test func anExpiredLoginNamesTheCommand() throws {
        let home = try makeHome(
            config: "[dev]\nhost = https://dbc.cloud.databricks.com\nauth_type = databricks-cli\n",
            cache: cache(key: "dev", expiry: "2020-01-01T00:00:00Z"))
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "dev"])
        }
        #expect(error == .cliLoginExpired(
            host: "https://dbc.cloud.databricks.com", profile: "dev", refreshCommand: "databricks auth token --profile dev",
            loginCommand: "databricks auth login --host https://dbc.cloud.databricks.com --profile dev"))
        #expect(error?.description.contains("Run 'databricks auth token --profile dev' to refresh it") == true)
        #expect(error?.description.contains("eyJ-cached") == false)
    }

    @Test func aMissingLoginNamesTheCommand() throws {
        let home = try makeHome(config: "[dev]\nhost = https://dbc.cloud.databricks.com\nauth_type = databricks-cli\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "dev"])
        }
        #expect(error?.description
            == "The Databricks CLI has no login for https://dbc.cloud.databricks.com (profile dev) in ~/.databricks/token-cache.json. "
            + "Run 'databricks auth login --host https://dbc.cloud.databricks.com --profile dev', then run pyforge again.")
    }

    @Test func aBrokenCacheIsNamed() throws {
        let home = try makeHome(config: "[dev]\nhost = h\nauth_type = databricks-cli\n", cache: "{\"version\": 2, \"tokens\": {}}")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "dev"])
        }
        #expect(error == .unreadableTokenCache(
            file: "~/.databricks/token-cache.json", reason: "it has format version 2, not 1",
            command: "databricks auth login --host https://h --profile dev"))
    }
}

@Suite struct CivilTimeTests {
    @Test func rfc3339AsGoWritesIt() {
        #expect(CivilTime.parseRFC3339("1970-01-01T00:00:00Z")?.timeIntervalSince1970 == 0)
        #expect(CivilTime.parseRFC3339("2024-02-29T23:59:59Z")?.timeIntervalSince1970 == 1_709_251_199)
        #expect(CivilTime.parseRFC3339("2024-03-01T01:59:59+02:00")?.timeIntervalSince1970 == 1_709_251_199)
        #expect(CivilTime.parseRFC3339("2024-02-29T20:29:59.5-03:30")?.timeIntervalSince1970 == 1_709_251_199.5)
        for bad in ["2023-02-29T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01T24:00:00Z", ""] {
            #expect(CivilTime.parseRFC3339(bad) == nil, "\(bad)")
        }
    }

    @Test func formattingRoundTrips() {
        for seconds in [0, 951_782_400, 1_709_251_199, 4_102_444_800] {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(CivilTime.parseRFC3339(CivilTime.formatRFC3339(date)) == date)
        }
        #expect(CivilTime.formatRFC3339(Date(timeIntervalSince1970: 1_709_251_199.9)) == "2024-02-29T23:59:59Z")
    }
}
