import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A small HTTP/1.1 client on SwiftNIO: one connection per request, bodies streamed both
/// ways, TLS with the system's trust roots, no redirects followed (a redirect to another
/// host would carry the caller's credentials along; a 3xx is returned as an answer).
///
/// Transport failures are ``HTTPTransferError``s; HTTP error statuses are answers. Errors
/// thrown by a request body's chunks or by the caller's closure pass through unchanged.
public final class HTTPTransferClient: Sendable {
    /// How long to wait for a connection, and for progress once connected.
    public struct Timeouts: Sendable {
        /// The longest a connection may take to open (each address tried counts alone).
        public var connect: TimeAmount
        /// The longest the transfer may go without a byte moving in either direction.
        public var stall: TimeAmount

        public init(connect: TimeAmount = .seconds(10), stall: TimeAmount = .seconds(60)) {
            self.connect = connect
            self.stall = stall
        }
    }

    public let timeouts: Timeouts
    private let group: any EventLoopGroup
    /// Made on the first https request: loading the trust roots costs a little, and plain
    /// http (the tests' stand-in servers) never needs it.
    private let tlsContext = Mutex<NIOSSLContext?>(nil)

    public init(timeouts: Timeouts = Timeouts(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.timeouts = timeouts
        self.group = group
    }

    /// Sends `request` and hands its answer to `handle`, whose result is returned; the
    /// connection closes when `handle` returns. A streamed body is sent while the answer is
    /// awaited, so a server that answers early (an error before the whole upload) is heard.
    public func execute<Result: Sendable>(
        _ request: HTTPTransferRequest, _ handle: (HTTPTransferResponse) async throws -> Result
    ) async throws -> Result {
        let target = try RequestTarget(parsing: request.url)
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await connect(to: target)
        } catch {
            throw HTTPTransferError.classify(error, host: target.host)
        }
        let head = request.head(for: target)
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await Self.send(head: head, body: request.body, to: outbound, closingOnFailure: channel.channel)
                }
                var parts = inbound.makeAsyncIterator()
                let responseHead: HTTPResponseHead
                do {
                    responseHead = try await Self.readHead(&parts)
                } catch {
                    // No answer. Why the sender stopped (an unreadable file, a body of the
                    // wrong length) says more than the closed connection it caused; a sender
                    // that merely found the connection closed says nothing new.
                    channel.channel.close(promise: nil)
                    do { try await group.next() } catch {
                        let sendFailure = HTTPTransferError.classify(error, host: target.host)
                        if (sendFailure as? HTTPTransferError) != .connectionClosed { throw sendFailure }
                    }
                    throw HTTPTransferError.classify(error, host: target.host)
                }
                let hasBody = request.method != .HEAD && ![204, 304].contains(responseHead.status.code)
                let expectedLength = hasBody ? responseHead.headers.first(name: "Content-Length").flatMap { Int64($0) } : nil
                let response = HTTPTransferResponse(
                    head: responseHead, body: HTTPResponseBody(parts: parts, expectedLength: expectedLength, host: target.host))
                let result: Result
                do {
                    result = try await handle(response)
                } catch {
                    channel.channel.close(promise: nil)  // frees a sender waiting on a peer that stopped reading
                    throw error
                }
                if (200..<300).contains(responseHead.status.code) {
                    // Success must mean the whole request went out.
                    do { try await group.next() } catch { throw HTTPTransferError.classify(error, host: target.host) }
                } else {
                    // An error answer: the rest of the body is not wanted.
                    group.cancelAll()
                    channel.channel.close(promise: nil)
                }
                return result
            }
        }
    }

    private func connect(to target: RequestTarget) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        let tls = target.usesTLS ? try tlsContextForUse() : nil
        let serverName = target.hostIsAddress ? nil : target.host
        let stall = timeouts.stall
        return try await ClientBootstrap(group: group)
            .connectTimeout(timeouts.connect)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(StallTimeoutHandler(timeout: stall))
                    // The wrapper is made here, before the connection is up, so that no reply
                    // can be missed. If the connection then fails (refused, timed out), NIO drops
                    // the wrapper unused; one made by `wrappingChannelSynchronously` would stop
                    // the process with preconditionFailure("Deinited NIOAsyncWriter without calling
                    // finish()") (swift-nio NIOAsyncWriter.deinit, seen in the refused-connection
                    // tests). This initializer finishes its writer on deinit instead; a connected
                    // channel is still closed by executeThenClose as before.
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(synchronouslyWrapping: channel)
                }
            }
    }

    private func tlsContextForUse() throws -> NIOSSLContext {
        try tlsContext.withLock { cached in
            if let cached { return cached }
            // Full certificate and host name verification against the system's trust roots.
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            cached = context
            return context
        }
    }

    /// Skips interim (1xx) answers; the connection ending first is ``HTTPTransferError/connectionClosed``.
    private static func readHead(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    ) async throws -> HTTPResponseHead {
        var interim = false
        while let part = try await parts.next() {
            switch part {
            case .head(let head) where head.status.code < 200:
                interim = true
            case .head(let head):
                return head
            case .end where interim:
                interim = false
            case .body, .end:
                throw HTTPTransferError.invalidResponse(reason: "a body arrived before the response head")
            }
        }
        throw HTTPTransferError.connectionClosed
    }

    /// Writes the head, the body and the end. On any failure the connection is closed, so the
    /// server never waits for, or commits, a body that stopped short.
    private static func send(
        head: HTTPRequestHead, body: HTTPTransferRequest.Body?, to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>,
        closingOnFailure channel: any Channel
    ) async throws {
        do {
            try await outbound.write(.head(head))
            switch body {
            case .bytes(let buffer) where buffer.readableBytes > 0:
                try await outbound.write(.body(.byteBuffer(buffer)))
            case .stream(let length, let chunks):
                var sent: Int64 = 0
                for try await chunk in chunks {
                    sent += Int64(chunk.readableBytes)
                    if sent > length { throw HTTPTransferError.bodyLengthMismatch(expected: length, sent: sent) }
                    try await outbound.write(.body(.byteBuffer(chunk)))
                }
                if sent != length { throw HTTPTransferError.bodyLengthMismatch(expected: length, sent: sent) }
            default:
                break
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        // Every byte of the request is out: it is framed by Content-Length (see
        // `HTTPTransferRequest.head(for:)`), so the end carries none. A server done with the
        // request may already have answered and closed (`Connection: close`) before this
        // write, which then finds the channel closed; that is no failure of the request. Were
        // the connection lost instead, the answer's own absence reports it (`readHead`).
        do {
            try await outbound.write(.end(nil))
        } catch {
            if HTTPTransferError.classify(error, host: "") as? HTTPTransferError == .connectionClosed { return }
            channel.close(promise: nil)
            throw error
        }
    }
}
