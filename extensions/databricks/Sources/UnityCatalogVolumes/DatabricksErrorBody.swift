import DatabricksEnvironment

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Databricks error body: JSON `{"error_code": ..., "message": "..."}`, where `error_code`
/// is a name (`"PERMISSION_DENIED"`) from the services, or a number (`403`) from the
/// workspace's front door, which rejects a bad token before any service sees it:
/// `{"error_code": 403, "message": "Invalid access token."}`.
struct DatabricksErrorBody: Sendable, Equatable {
    /// The symbolic code, or the number as text.
    var code: String?
    /// Whether the code came as a JSON number.
    var codeIsNumeric = false
    var message: String?
    /// The start of a body that is not such JSON.
    var text: String?

    /// Parses a body; nil for an empty one.
    init?(_ bytes: [UInt8]) {
        if let payload = try? JSONDecoder().decode(Payload.self, from: Data(bytes)),
            payload.code != nil || payload.message != nil
        {
            switch payload.code {
            // Some front ends quote the number ("403"); it still only repeats the status.
            case .name(let name): (code, codeIsNumeric) = (name, Int(name) != nil)
            case .number(let number): (code, codeIsNumeric) = (String(number), true)
            case nil: break
            }
            message = payload.message
            return
        }
        let start = String(decoding: bytes.prefix(500), as: UTF8.self).trimmingWhitespace()
        guard !start.isEmpty else { return nil }
        text = start
    }

    /// What to show the user: `CODE: message` for a named code; the message alone for a
    /// numeric one (it only repeats the HTTP status); else the start of the body.
    var summary: String? {
        switch (code, message) {
        case (let code?, let message?): return codeIsNumeric ? message : "\(code): \(message)"
        case (nil, let message?): return message
        case (let code?, nil): return code
        case (nil, nil): return text
        }
    }

    /// Whether the body says the token itself was refused (expired, revoked, malformed or
    /// from another workspace), as opposed to a missing Unity Catalog grant.
    var rejectsToken: Bool {
        if let code, ["UNAUTHENTICATED", "INVALID_TOKEN", "TOKEN_EXPIRED", "INVALID_ACCESS_TOKEN"].contains(code) { return true }
        if code == "PERMISSION_DENIED" { return false }
        let words = (message ?? text ?? "").lowercased()
        return words.contains("token") && (words.contains("invalid") || words.contains("expired") || words.contains("revoked"))
    }

    private struct Payload: Decodable {
        enum Code: Decodable {
            case name(String)
            case number(Int)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Int.self) {
                    self = .number(number)
                } else {
                    self = .name(try container.decode(String.self))
                }
            }
        }

        var code: Code?
        var message: String?

        enum CodingKeys: String, CodingKey {
            case code = "error_code"
            case message
        }
    }
}

/// `Retry-After`: seconds, or an HTTP date.
enum RetryAfter {
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSinceNow * 1000)))
    }
}
