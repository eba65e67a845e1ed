import ExtensionProtocol

/// The extension protocol's input side: the line framer (fed in chunks whose sizes come
/// from the input, with a small limit so oversized lines are exercised) and `Message.decode`
/// on every line it yields.
enum ProtocolFuzz {
    static func run(_ bytes: [UInt8]) {
        var framer = LineFramer(limit: 4096)
        var events: [LineFramer.Event] = []
        var start = 0
        var step = 1
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            events += framer.feed(bytes[start..<end])
            start = end
            step = step % 97 + Int(bytes[end - 1] % 31) + 1
        }
        for case .line(let line) in events {
            if let message = try? Message.decode(line: line) {
                _ = try? message.encodedLine()
            }
        }
    }
}
