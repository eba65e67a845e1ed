import Platform
import CMDBTools
import Synchronization

/// Every call into libmdb goes through here: libmdb keeps global state and is not
/// thread-safe (hence one lock), and it reports damage by printing to stderr (hence the
/// capture, so the user sees one sentence from pyforge, never libmdb's raw lines).
enum Libmdb {
    private static let lock = Mutex(())
    private static let capture = Capture()

    /// The in-memory stream libmdb's stderr goes to; used only with the lock held.
    private final class Capture: @unchecked Sendable {
        /// What libmdb may print during one call that is kept: enough for its first lines.
        static let bytes = 1024
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes + 1)
        let stream: UnsafeMutablePointer<FILE>?

        init() {
            buffer.initialize(repeating: 0, count: Self.bytes + 1)
            stream = pyf_capture_open(buffer, Self.bytes)
        }
    }

    /// Runs `body` under the lock with libmdb's stderr captured; returns its result and
    /// the first line libmdb printed, if it printed anything.
    static func call<T>(_ body: () -> T) -> (value: T, printed: String?) {
        // The result stays on this thread; it only leaves the lock's scope through `value`.
        var value: T?
        var printed: [UInt8] = []
        lock.withLock { _ in
            let saved = pyf_capture_begin(capture.stream, capture.buffer, Capture.bytes)
            value = body()
            pyf_capture_end(saved)
            let text = UnsafeRawBufferPointer(start: capture.buffer, count: Capture.bytes)
            printed = Array(text.prefix { $0 != 0 })
        }
        // The first line, without its trailing full stop: it is quoted inside a sentence.
        var line = printed.split(separator: UInt8(ascii: "\n")).first ?? []
        while let last = line.last, last == UInt8(ascii: ".") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\r") {
            line = line.dropLast()
        }
        return (value!, line.isEmpty ? nil : String(decoding: line, as: UTF8.self))
    }

    /// Runs `body` under the lock when what libmdb prints does not matter (closing, freeing).
    static func quietly<T>(_ body: () -> T) -> T { call(body).value }
}
