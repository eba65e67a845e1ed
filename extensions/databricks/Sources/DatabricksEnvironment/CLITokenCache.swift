#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Values

/// The Databricks CLI's OAuth token cache, `~/.databricks/token-cache.json`, which
/// `databricks auth login` writes (databricks/cli `libs/auth/cache/file.go`):
/// `{"version": 1, "tokens": {"<key>": {"access_token", "token_type", "refresh_token", "expiry"}}}`,
/// keyed by profile name (newer CLIs) or by host (`https://<host>`, older ones and a mirror
/// kept for old SDKs). `expiry` is Go's RFC 3339 time.
///
/// Only the access token is read; the refresh token is left to the CLI (it stays out of this
/// process's memory), so an expired login is refreshed by running the CLI, as the message says.
enum CLITokenCache {
    /// A token expiring sooner than this is treated as expired: a conversion started with it
    /// would fail half-way.
    static let minimumRemainingLife: Double = 60

    struct Login {
        var accessToken: String
        var expiry: Date?
    }

    /// The cached login for `profile` (looked up first) or `host`.
    static func login(home: String, profile: String?, host: String, now: Date = Date()) throws(CredentialsError) -> Login {
        let path = home + "/.databricks/token-cache.json"
        let display = "~/.databricks/token-cache.json"
        let command = loginCommand(host: host, profile: profile)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cliLoginMissing(host: host, profile: profile, cache: display, command: command)
        }
        guard let bytes = FileManager.default.contents(atPath: path),
            let cache = try? JSONDecoder().decode(CacheFile.self, from: bytes)
        else {
            throw .unreadableTokenCache(file: display, reason: "it is not readable JSON", command: command)
        }
        guard cache.version == 1 else {
            throw .unreadableTokenCache(file: display, reason: "it has format version \(cache.version ?? 0), not 1", command: command)
        }
        let keys = [profile, host].compactMap { $0 }
        guard let entry = keys.lazy.compactMap({ cache.tokens?[$0] }).first,
            let token = entry.accessToken, !token.isEmpty
        else {
            throw .cliLoginMissing(host: host, profile: profile, cache: display, command: command)
        }
        let expiry = entry.expiry.flatMap(CivilTime.parseRFC3339)
        if let expiry, expiry.timeIntervalSince(now) < minimumRemainingLife {
            throw .cliLoginExpired(host: host, profile: profile, refreshCommand: refreshCommand(host: host, profile: profile), loginCommand: command)
        }
        return Login(accessToken: token, expiry: expiry)
    }

    static func loginCommand(host: String, profile: String?) -> String {
        "databricks auth login --host \(host)" + (profile.map { " --profile \($0)" } ?? "")
    }

    static func refreshCommand(host: String, profile: String?) -> String {
        profile.map { "databricks auth token --profile \($0)" } ?? "databricks auth token --host \(host)"
    }

    private struct CacheFile: Decodable {
        var version: Int?
        var tokens: [String: Entry]?
    }

    private struct Entry: Decodable {
        var accessToken: String?
        var expiry: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiry
        }
    }
}
