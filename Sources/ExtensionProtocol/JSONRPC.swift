#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JSON-RPC 2.0 request id: a number or a string.
public enum RequestID: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}

/// A JSON-RPC 2.0 error object, with the standard codes and pyforge's own.
public struct ResponseError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    /// The request was cancelled with `$/cancelRequest` (LSP's code).
    public static let requestCancelled = -32800
    /// A conversion failed inside the extension; `data.reason` says why.
    public static let conversionFailed = -32001

    public var description: String { "JSON-RPC error \(code): \(message)" }
}

/// One JSON-RPC 2.0 message.
public enum Message: Sendable, Hashable {
    case request(id: RequestID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case response(id: RequestID, result: JSONValue)
    case errorResponse(id: RequestID?, error: ResponseError)
}

extension Message: Codable {
    private enum Keys: String, CodingKey {
        case jsonrpc, id, method, params, result, error
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        guard try container.decode(String.self, forKey: .jsonrpc) == "2.0" else {
            throw DecodingError.dataCorruptedError(forKey: .jsonrpc, in: container, debugDescription: "jsonrpc must be \"2.0\"")
        }
        let id = try container.decodeIfPresent(RequestID.self, forKey: .id)
        if let method = try container.decodeIfPresent(String.self, forKey: .method) {
            let params = try container.decodeIfPresent(JSONValue.self, forKey: .params)
            self = id.map { .request(id: $0, method: method, params: params) } ?? .notification(method: method, params: params)
        } else if let error = try container.decodeIfPresent(ResponseError.self, forKey: .error) {
            self = .errorResponse(id: id, error: error)
        } else if let id, container.contains(.result) {
            self = .response(id: id, result: try container.decode(JSONValue.self, forKey: .result))
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "neither a request, a notification nor a response"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        switch self {
        case .request(let id, let method, let params):
            try container.encode(id, forKey: .id)
            try container.encode(method, forKey: .method)
            try container.encodeIfPresent(params, forKey: .params)
        case .notification(let method, let params):
            try container.encode(method, forKey: .method)
            try container.encodeIfPresent(params, forKey: .params)
        case .response(let id, let result):
            try container.encode(id, forKey: .id)
            try container.encode(result, forKey: .result)
        case .errorResponse(let id, let error):
            if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
            try container.encode(error, forKey: .error)
        }
    }

    /// The message as one protocol line: compact JSON and a final 0x0A. JSON escapes every
    /// control character inside strings, so the only 0x0A is the terminator.
    public func encodedLine() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var bytes = Array(try encoder.encode(self))
        bytes.append(0x0A)
        return bytes
    }

    public static func decode(line: some Collection<UInt8>) throws -> Message {
        try JSONDecoder().decode(Message.self, from: Data(line))
    }
}
