/// Splits a byte stream into protocol lines at 0x0A and nothing else (U+2028 inside a
/// string is not a line break), fed with chunks of any size.
public struct LineFramer: Sendable {
    /// The default maximum message size (16 MiB), excluding the terminator.
    public static let defaultLimit = 16 << 20

    public let limit: Int
    private var pending: [UInt8] = []
    /// Bytes of an oversized line still to drop, up to its terminator.
    private var discarding = false
    /// The oversized line's length so far (it may span many chunks).
    private var dropped = 0

    public enum Event: Sendable, Equatable {
        case line([UInt8])
        /// A line went past the limit; its bytes up to the next 0x0A were dropped.
        case tooLarge(bytes: Int)
    }

    public init(limit: Int = LineFramer.defaultLimit) {
        precondition(limit > 0)
        self.limit = limit
    }

    /// Feeds a chunk; returns the complete lines (and oversize events) it finished.
    public mutating func feed(_ chunk: some Collection<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in chunk {
            if byte == 0x0A {
                if discarding {
                    events.append(.tooLarge(bytes: dropped))
                    discarding = false
                } else {
                    // A CR before the LF is tolerated (written by some Windows runtimes).
                    if pending.last == 0x0D { pending.removeLast() }
                    events.append(.line(pending))
                }
                pending.removeAll(keepingCapacity: true)
                dropped = 0
                continue
            }
            if discarding {
                dropped &+= 1
                continue
            }
            pending.append(byte)
            if pending.count > limit {
                discarding = true
                dropped = pending.count
                pending.removeAll()
            }
        }
        return events
    }

    /// Bytes of an unfinished line (the stream ended without a terminator).
    public var unterminated: Int { discarding ? 1 : pending.count }
}
