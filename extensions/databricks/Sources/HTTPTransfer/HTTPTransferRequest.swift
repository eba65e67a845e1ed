import NIOCore
import NIOHTTP1

/// One HTTP/1.1 request: a method, an absolute `http` or `https` URL, headers and an
/// optional body. `Host`, `Content-Length` and `Connection: close` are added when sent.
public struct HTTPTransferRequest: Sendable {
    /// What is sent after the head.
    public enum Body: Sendable {
        /// A body held in memory.
        case bytes(ByteBuffer)
        /// A body streamed from `chunks` under a `Content-Length` of `length`; the chunks
        /// must add up to exactly `length` bytes, else the request fails with
        /// ``HTTPTransferError/bodyLengthMismatch(expected:sent:)`` and the connection is
        /// closed, so the server never takes a short body for a whole one.
        case stream(length: Int64, chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable)
    }

    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: Body?

    /// Creates a request; the URL is checked when it is sent.
    public init(method: HTTPMethod = .GET, url: String, headers: HTTPHeaders = [:], body: Body? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The head as sent to `target`: the given headers plus the ones framing this request.
    func head(for target: RequestTarget) -> HTTPRequestHead {
        var headers = headers
        if !headers.contains(name: "Host") { headers.add(name: "Host", value: target.hostHeader) }
        // One request per connection: the server closes when done instead of waiting for more.
        headers.replaceOrAdd(name: "Connection", value: "close")
        switch body {
        case .bytes(let buffer):
            headers.replaceOrAdd(name: "Content-Length", value: String(buffer.readableBytes))
        case .stream(let length, _):
            headers.replaceOrAdd(name: "Content-Length", value: String(length))
        case nil:
            // A PUT or POST without a body still says so; servers may otherwise answer 411.
            if [.PUT, .POST, .PATCH].contains(method) { headers.replaceOrAdd(name: "Content-Length", value: "0") }
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: target.pathAndQuery, headers: headers)
    }
}
