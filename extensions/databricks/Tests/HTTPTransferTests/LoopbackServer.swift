import NIOCore
import NIOPosix
import Synchronization

/// A request as the loopback server read it off the wire.
struct ReceivedRequest: Sendable {
    var method: String
    var target: String
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]
}

/// What the loopback server does with a request.
enum Reply: Sendable {
    /// Writes these bytes (a whole raw HTTP answer, or the start of one), then closes.
    case raw(String, body: [UInt8] = [])
    /// Answers nothing and waits until the client gives up.
    case silence
}

/// A raw TCP server on 127.0.0.1 that speaks just enough HTTP/1.1 to read one request per
/// connection (head plus `Content-Length` body) and answers with exact bytes, so tests can
/// send chunked bodies, short bodies and silence that a real server library would not. The
/// answers the tests write follow HTTP/1.1's message syntax as RFC 9112 defines it — chunked
/// transfer coding (§7.1), Content-Length (§6.2), a body delimited by closing the connection
/// (§6.3), HEAD answers without a body (§6.3 rule 1) — not our client's reading of it.
enum LoopbackServer {
    /// Runs `body` with the server's port; every request read is appended to `log`. A
    /// `greeting` is written as soon as a connection is accepted, before reading anything.
    static func run(
        log: RequestLog = RequestLog(), greeting: String? = nil, _ respond: @escaping @Sendable (ReceivedRequest) -> Reply,
        _ body: (Int) async throws -> Void
    ) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress!.port!
        let requests = log
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.executeThenClose { connections in
                    try await withThrowingTaskGroup(of: Void.self) { handlers in
                        for try await connection in connections {
                            handlers.addTask { try? await serve(connection, greeting, respond, requests) }
                        }
                        try await handlers.waitForAll()
                    }
                }
            }
            do {
                try await body(port)
            } catch {
                try? await server.channel.close()
                throw error
            }
            try? await server.channel.close()
            try await group.waitForAll()
        }
    }

    private static func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ greeting: String?,
        _ respond: @Sendable (ReceivedRequest) -> Reply, _ log: RequestLog
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            if let greeting { try await outbound.write(ByteBuffer(string: greeting)) }
            var iterator = inbound.makeAsyncIterator()
            var received: [UInt8] = []
            var request: ReceivedRequest?
            while request == nil {
                guard let chunk = try await iterator.next() else { return }
                received += chunk.readableBytesView
                request = parse(received)
            }
            log.record(request!)
            switch respond(request!) {
            case .raw(let head, let body):
                try await outbound.write(ByteBuffer(bytes: Array(head.utf8) + body))
            case .silence:
                while try await iterator.next() != nil {}
            }
        }
    }

    /// The request once its head and `Content-Length` body have arrived, else nil.
    private static func parse(_ bytes: [UInt8]) -> ReceivedRequest? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.firstRange(of: separator) else { return nil }
        let lines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
        }
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        let body = bytes[headEnd.upperBound...]
        guard body.count >= length else { return nil }
        return ReceivedRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: Array(body.prefix(length)))
    }
}

/// The requests a loopback server has read, shared with its connection tasks.
final class RequestLog: Sendable {
    private let requests = Mutex<[ReceivedRequest]>([])

    func record(_ request: ReceivedRequest) {
        requests.withLock { $0.append(request) }
    }

    var all: [ReceivedRequest] { requests.withLock { $0 } }
}
