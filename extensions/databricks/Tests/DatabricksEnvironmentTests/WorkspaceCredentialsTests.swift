import Foundation
import Testing

@testable import DatabricksEnvironment

@Suite struct WorkspaceCredentialsTests {
    static let token = "dapi0123456789abcdef0123456789abcdef"

    /// A config file in a fresh home directory, removed by the caller.
    func makeHome(config: String?) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        if let config { try config.write(toFile: home + "/.databrickscfg", atomically: true, encoding: .utf8) }
        return home
    }

    @Test func fromEnvironment() throws {
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: [
            "DATABRICKS_HOST": "adb-123.4.azuredatabricks.net/", "DATABRICKS_TOKEN": Self.token,
            "DATABRICKS_CLUSTER_ID": "0123-456789-abcdefgh", "HOME": "/nonexistent",
        ]))
        #expect(credentials.host == "https://adb-123.4.azuredatabricks.net")
        #expect(credentials.token == Self.token)
        #expect(credentials.source == "environment (DATABRICKS_HOST, DATABRICKS_TOKEN)")
        #expect(credentials.clusterID == "0123-456789-abcdefgh")
        #expect(!credentials.serverless)
        #expect(credentials.description == "https://adb-123.4.azuredatabricks.net (token from DATABRICKS_TOKEN), cluster 0123-456789-abcdefgh")
    }

    @Test(arguments: [
        ("adb-1.2.azuredatabricks.net", "https://adb-1.2.azuredatabricks.net"),
        ("https://dbc-abc.cloud.databricks.com//", "https://dbc-abc.cloud.databricks.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        (" https://x.databricks.com ", "https://x.databricks.com"),
    ])
    func hostNormalisation(given: String, normalised: String) {
        #expect(WorkspaceCredentials.normalise(host: given) == normalised)
    }

    @Test func nothingConfigured() throws {
        #expect(try WorkspaceCredentials.resolve(environment: ["HOME": "/nonexistent"]) == nil)
    }

    @Test func defaultProfileWithComments() throws {
        let home = try makeHome(config: """
            # my workspaces
            ; another comment style
            [DEFAULT]
            host = https://dbc-abc.cloud.databricks.com/
            token = \(Self.token)
            serverless_compute_id = auto

            [other]
            host = https://other.cloud.databricks.com
            token = dapi-other
            """)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: ["HOME": home]))
        #expect(credentials.host == "https://dbc-abc.cloud.databricks.com")
        #expect(credentials.token == Self.token)
        #expect(credentials.source == "~/.databrickscfg profile DEFAULT")
        #expect(credentials.serverless)
        #expect(credentials.description == "https://dbc-abc.cloud.databricks.com (token from ~/.databrickscfg profile DEFAULT), serverless")
    }

    @Test func namedProfile() throws {
        let home = try makeHome(config: "[DEFAULT]\nhost = a\ntoken = t1\n[dev]\nhost = dev.cloud.databricks.com\ntoken = t2\ncluster_id = 0101-x\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "dev"]))
        #expect(credentials.host == "https://dev.cloud.databricks.com")
        #expect(credentials.token == "t2")
        #expect(credentials.clusterID == "0101-x")
        #expect(credentials.source == "~/.databrickscfg profile dev")
    }

    @Test func environmentWinsOverProfile() throws {
        let home = try makeHome(config: "[DEFAULT]\nhost = file-host\ntoken = file-token\ncluster_id = file-cluster\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let credentials = try #require(try WorkspaceCredentials.resolve(environment: [
            "HOME": home, "DATABRICKS_TOKEN": Self.token, "DATABRICKS_SERVERLESS_COMPUTE_ID": "auto",
        ]))
        #expect(credentials.host == "https://file-host")
        #expect(credentials.token == Self.token)
        #expect(credentials.clusterID == "file-cluster")
        #expect(credentials.serverless)
        #expect(credentials.source == "environment (DATABRICKS_TOKEN) and ~/.databrickscfg profile DEFAULT")
    }

    @Test func explicitConfigFileAndVariable() throws {
        let home = try makeHome(config: "[DEFAULT]\nhost = h\ntoken = t\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let viaVariable = try WorkspaceCredentials.resolve(environment: ["DATABRICKS_CONFIG_FILE": home + "/.databrickscfg"])
        #expect(viaVariable?.source == "\(home)/.databrickscfg profile DEFAULT")
        let viaArgument = try WorkspaceCredentials.resolve(environment: [:], configFile: home + "/.databrickscfg")
        #expect(viaArgument?.token == "t")
    }

    @Test func missingNamedProfileIsAnError() throws {
        let home = try makeHome(config: "[DEFAULT]\nhost = h\ntoken = t\n[prod]\nhost = p\ntoken = q\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": home, "DATABRICKS_CONFIG_PROFILE": "staging"])
        }
        #expect(error == .profileNotFound(profile: "staging", file: "~/.databrickscfg", available: ["DEFAULT", "prod"]))
        #expect(error?.description.contains("'staging' is not in ~/.databrickscfg (it has DEFAULT, prod)") == true)
    }

    @Test func namedProfileWithoutFileIsAnError() {
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": "/nonexistent", "DATABRICKS_CONFIG_PROFILE": "dev"])
        }
        #expect(error == .configFileNotFound(file: "~/.databrickscfg", profile: "dev"))
    }

    @Test func hostWithoutToken() {
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": "/nonexistent", "DATABRICKS_HOST": "h"])
        }
        #expect(error == .missingToken(hostSource: "DATABRICKS_HOST", loginCommand: "databricks auth login --host https://h"))
        #expect(error?.description.contains("Set DATABRICKS_TOKEN") == true)
        #expect(error?.description.contains("DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET") == true)
    }

    @Test func tokenWithoutHost() {
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": "/nonexistent", "DATABRICKS_TOKEN": Self.token])
        }
        #expect(error == .missingHost(tokenSource: "DATABRICKS_TOKEN"))
        #expect(error?.description.contains(Self.token) == false)
    }

    @Test func malformedLineNamesTheLineNotItsContent() throws {
        let home = try makeHome(config: "[DEFAULT]\nhost = h\n\(Self.token)\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: CredentialsError.self) {
            try WorkspaceCredentials.resolve(environment: ["HOME": home])
        }
        #expect(error == .malformedConfigFile(file: "~/.databrickscfg", line: 3))
        #expect(error?.description.contains(Self.token) == false)
    }

    @Test func descriptionsNeverShowTheToken() throws {
        let credentials = WorkspaceCredentials(
            host: "dbc.cloud.databricks.com", token: Self.token, source: "a test", clusterID: "0101-x", serverless: false)
        #expect(credentials.description == "https://dbc.cloud.databricks.com (token from a test), cluster 0101-x")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, String(reflecting: credentials), "\(credentials)", dumped] {
            #expect(!text.contains(Self.token))
            #expect(!text.contains(String(Self.token.suffix(4))))
        }
    }

    @Test func redactReplacesTheTokenAndBearerHeader() {
        let credentials = WorkspaceCredentials(host: "h", token: Self.token, source: "test")
        let text = "Authorization: Bearer \(Self.token); echoed \(Self.token) and again \(Self.token)."
        #expect(credentials.redact(text) == "Authorization: [REDACTED]; echoed [REDACTED] and again [REDACTED].")
        #expect(credentials.redact("nothing secret") == "nothing secret")
        #expect(WorkspaceCredentials(host: "h", token: "", source: "test").redact("text") == "text")
    }
}

@Suite struct DatabricksConfigFileTests {
    @Test func parsesSectionsKeysAndComments() throws {
        let config = try DatabricksConfigFile(parsing: "; c\n[DEFAULT]\nHost = a\n  token=b  \n# c\n[x]\nhost: c\n")
        #expect(config.profiles == ["DEFAULT": ["host": "a", "token": "b"], "x": ["host": "c"]])
    }

    @Test func emptySectionIsKnown() throws {
        #expect(try DatabricksConfigFile(parsing: "[empty]\n").profiles == ["empty": [:]])
    }

    @Test(arguments: ["host = a\n", "[DEFAULT]\njust words\n", "[DEFAULT\n", "[DEFAULT]\n= value\n"])
    func rejectsMalformedLines(text: String) {
        #expect(throws: DatabricksConfigFile.ParseError.self) { try DatabricksConfigFile(parsing: text) }
    }
}
