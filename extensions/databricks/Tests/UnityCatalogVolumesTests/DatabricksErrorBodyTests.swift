import Foundation
import Testing

@testable import UnityCatalogVolumes

/// Error bodies as the Files API sends them, and what each failure status becomes.
@Suite struct DatabricksErrorBodyTests {
    let path = try! VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")

    func body(_ json: String) -> DatabricksErrorBody? {
        DatabricksErrorBody(Array(json.utf8))
    }

    static let renewal = TokenRenewal.personalAccessToken(host: "https://dbc.cloud.databricks.com")

    func mapped(
        _ status: Int, _ json: String, access: VolumeError.Access = .read, renewal: TokenRenewal = Self.renewal
    ) -> VolumeError {
        FailedAttempt(status: status, body: body(json), redact: { $0 })
            .error(path: path, access: access, overwrite: true, attempts: 1, renewal: renewal)
    }

    @Test func numericErrorCode() throws {
        let parsed = try #require(body(#"{"error_code": 403, "message": "Invalid access token."}"#))
        #expect(parsed.code == "403")
        #expect(parsed.codeIsNumeric)
        #expect(parsed.summary == "Invalid access token.")
        #expect(parsed.rejectsToken)
    }

    @Test func stringErrorCode() throws {
        let parsed = try #require(body(#"{"error_code": "PERMISSION_DENIED", "message": "User does not have READ VOLUME."}"#))
        #expect(parsed.code == "PERMISSION_DENIED")
        #expect(!parsed.codeIsNumeric)
        #expect(parsed.summary == "PERMISSION_DENIED: User does not have READ VOLUME.")
        #expect(!parsed.rejectsToken)
    }

    @Test func nonJSONAndEmptyBodies() {
        #expect(body("  <html>Bad gateway</html>\n")?.summary == "<html>Bad gateway</html>")
        #expect(body("") == nil)
        #expect(body(#"{"error_code": 429}"#)?.summary == "429")
    }

    @Test func a403ForTheTokenIsARejectedToken() {
        let error = mapped(403, #"{"error_code": 403, "message": "Invalid access token."}"#)
        #expect(error == .tokenRejected(path: path.path, serverMessage: "Invalid access token.", renewal: Self.renewal))
        #expect(error.description.contains("the workspace rejected the token (expired or revoked)"))
        #expect(error.description.contains("Create a new personal access token"))
        #expect(error.description.contains("'databricks auth login --host https://dbc.cloud.databricks.com'"))
        #expect(!error.description.contains("READ VOLUME"))
    }

    /// The renewal advice follows the kind of credentials that were refused.
    @Test func rejectedTokenAdviceByKind() {
        let json = #"{"error_code": 403, "message": "Invalid access token."}"#
        let oauth = mapped(403, json, renewal: .oauthClient(clientID: "svc-1"))
        #expect(oauth.description.contains("OAuth secret of service principal svc-1"))
        #expect(oauth.description.contains("DATABRICKS_CLIENT_SECRET"))
        let cli = mapped(403, json, renewal: .databricksCLI(command: "databricks auth login --host https://h --profile dev"))
        #expect(cli.description.contains("Run 'databricks auth login --host https://h --profile dev' to log in again"))
        // An expired token, said in words, is a rejected token too; a string code works as a number does.
        #expect(mapped(403, #"{"error_code": "403", "message": "Token is expired."}"#) == .tokenRejected(
            path: path.path, serverMessage: "Token is expired.", renewal: Self.renewal))
    }

    @Test func a403ForAGrantIsPermissionDenied() {
        let error = mapped(403, #"{"error_code": "PERMISSION_DENIED", "message": "User does not have WRITE VOLUME."}"#, access: .write)
        #expect(error == .permissionDenied(path: path.path, access: .write, serverMessage: "PERMISSION_DENIED: User does not have WRITE VOLUME."))
        #expect(error.description.contains("you need WRITE VOLUME on the volume main.sales.raw"))
    }

    @Test func a401IsARejectedTokenWhateverTheBody() {
        #expect(mapped(401, #"{"error_code": "UNAUTHENTICATED", "message": "Credential was not sent."}"#)
            == .tokenRejected(path: path.path, serverMessage: "UNAUTHENTICATED: Credential was not sent.", renewal: Self.renewal))
        #expect(mapped(401, "") == .tokenRejected(path: path.path, serverMessage: nil, renewal: Self.renewal))
    }

    @Test func httpDates() throws {
        let date = try #require(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(date.timeIntervalSince1970 == 784_111_777)
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 23:59:59 GMT")?.timeIntervalSince1970 == 1_709_251_199)
        #expect(HTTPDate.parse("Fri, 30 Feb 2024 00:00:00 GMT") == nil)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 CET") == nil)
    }
}
