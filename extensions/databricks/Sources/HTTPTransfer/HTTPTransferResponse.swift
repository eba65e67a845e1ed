import NIOCore
import NIOHTTP1

/// An answer: its status and headers, and its body as it streams in. Valid only inside the
/// closure given to ``HTTPTransferClient/execute(_:_:)``, which owns the connection.
public final class HTTPTransferResponse {
    public let status: HTTPResponseStatus
    public let headers: HTTPHeaders
    public let body: HTTPResponseBody

    init(head: HTTPResponseHead, body: HTTPResponseBody) {
        status = head.status
        headers = head.headers
        self.body = body
    }
}

/// A response body as a sequence of buffers, checked against its `Content-Length`: a body
/// that ends early fails with ``HTTPTransferError/connectionClosed`` instead of ending quietly.
public final class HTTPResponseBody: AsyncSequence {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    private var parts: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let expectedLength: Int64?
    private let host: String
    private var received: Int64 = 0
    private var finished = false

    /// `expectedLength` is the `Content-Length` of a response that has a body (not one to HEAD, nor a 204 or 304).
    init(parts: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator, expectedLength: Int64?, host: String) {
        self.parts = parts
        self.expectedLength = expectedLength
        self.host = host
    }

    /// The next buffer, or nil at the end of the body.
    public func next() async throws -> ByteBuffer? {
        if finished { return nil }
        let part: HTTPClientResponsePart?
        do {
            part = try await parts.next()
        } catch {
            finished = true
            throw HTTPTransferError.classify(error, host: host)
        }
        switch part {
        case .body(let buffer):
            received += Int64(buffer.readableBytes)
            return buffer
        case .end:
            finished = true
            if let expectedLength, received != expectedLength { throw HTTPTransferError.connectionClosed }
            return nil
        case .head:
            finished = true
            throw HTTPTransferError.invalidResponse(reason: "a second response head arrived inside the body")
        case nil:
            finished = true
            throw HTTPTransferError.connectionClosed
        }
    }

    /// The whole body, or its first `limit` bytes (the rest is not read).
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        while all.readableBytes < limit, var buffer = try await next() {
            let take = Swift.min(buffer.readableBytes, limit - all.readableBytes)
            all.writeImmutableBuffer(buffer.readSlice(length: take)!)
        }
        return all
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let body: HTTPResponseBody

        public mutating func next() async throws -> ByteBuffer? {
            try await body.next()
        }
    }
}
