import AsyncHTTPClient
import Foundation
import NIOCore

/// Databricks error bodies: JSON `{"error_code": "...", "message": "..."}`.
enum DatabricksErrorBody {
    private struct Payload: Decodable {
        var error_code: String?
        var message: String?
    }

    /// The service's message (with its error code), or the start of a non-JSON body; nil for an empty one.
    static func message(of response: HTTPClientResponse) async -> String? {
        guard let buffer = try? await response.body.collect(upTo: 64 * 1024) else { return nil }
        return message(in: Data(buffer.readableBytesView))
    }

    static func message(in data: Data) -> String? {
        if let payload = try? JSONDecoder().decode(Payload.self, from: data) {
            switch (payload.error_code, payload.message) {
            case (let code?, let message?): return "\(code): \(message)"
            case (nil, let message?): return message
            case (let code?, nil): return code
            case (nil, nil): break
            }
        }
        let text = String(decoding: data.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// `Retry-After`: seconds, or an HTTP date.
enum RetryAfter {
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSinceNow * 1000)))
    }
}
