#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ExtensionProtocol
@testable import PyForgeExtensionKit

/// An `ExtensionServer` serving `handler` over two pipes, as a host would drive it: the test
/// writes request lines and reads the answers, each within a bounded wait.
final class ProtocolLoop: @unchecked Sendable {
    // Only the test's own task touches the framer and the descriptors; the server has its ends.
    private let toServer: Int32
    private let fromServer: Int32
    private var framer = LineFramer()
    private var pending: [Message] = []
    private let served: Task<Void, Never>

    init(_ handler: some ExtensionHandler) {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        precondition(pipe(&input) == 0 && pipe(&output) == 0, "the test could not make pipes")
        toServer = input[1]
        fromServer = output[0]
        _ = fcntl(fromServer, F_SETFL, fcntl(fromServer, F_GETFL) | O_NONBLOCK)
        let server = ExtensionServer(input: input[0], output: output[1])
        let serverEnds = (input[0], output[1])
        served = Task {
            await server.serve(handler)
            close(serverEnds.0)
            close(serverEnds.1)
        }
    }

    func send(_ message: Message) throws {
        try sendRaw(message.encodedLine())
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(toServer, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw LoopError(what: "writing to the server failed") }
            offset += n
        }
    }

    /// The next message from the server, or nil when none came within `seconds` (or the
    /// server closed its output).
    func next(within seconds: Double = 10) async -> Message? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while pending.isEmpty {
            let n = buffer.withUnsafeMutableBytes { read(fromServer, $0.baseAddress, $0.count) }
            if n > 0 {
                for case .line(let bytes) in framer.feed(buffer[0..<n]) {
                    if let message = try? Message.decode(line: bytes) { pending.append(message) }
                }
                continue
            }
            if n == 0 || ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return pending.removeFirst()
    }

    /// The next `count` messages, in the order they came.
    func next(_ count: Int, within seconds: Double = 10) async -> [Message] {
        var messages: [Message] = []
        for _ in 0..<count {
            guard let message = await next(within: seconds) else { break }
            messages.append(message)
        }
        return messages
    }

    /// Closes the server's stdin and waits for its loop to end (it cancels what still runs).
    func finish() async {
        close(toServer)
        await served.value
        close(fromServer)
    }

    struct LoopError: Error { var what: String }
}

extension Message {
    /// The error code of an error response, nil for anything else.
    var errorCode: Int? {
        if case .errorResponse(_, let error) = self { return error.code }
        return nil
    }

    var responseID: RequestID? {
        switch self {
        case .response(let id, _): return id
        case .errorResponse(let id, _): return id
        default: return nil
        }
    }
}
