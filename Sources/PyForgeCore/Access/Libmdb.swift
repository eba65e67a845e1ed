#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMDBTools
import Synchronization

/// Every call into libmdb goes through here: libmdb keeps global state and is not
/// thread-safe (hence one lock), and it reports damage by printing to stderr (hence the
/// capture, so the user sees one sentence from pyforge, never libmdb's raw lines).
enum Libmdb {
    private static let lock = Mutex(())
    /// What libmdb may print during one call that is kept: enough for its first lines.
    private static let captureBytes = 1024

    /// Runs `body` under the lock with libmdb's stderr captured; returns its result and
    /// the first line libmdb printed, if it printed anything.
    static func call<T>(_ body: () -> T) -> (value: T, printed: String?) {
        var buffer = [CChar](repeating: 0, count: captureBytes + 1)
        // The result stays on this thread; it only leaves the lock's scope through `value`.
        var value: T?
        lock.withLock { _ in
            buffer.withUnsafeMutableBufferPointer { text in
                let saved = pyf_capture_stderr(text.baseAddress, captureBytes)
                defer { pyf_restore_stderr(saved) }
                value = body()
        }
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        // The first line, without its trailing full stop: it is quoted inside a sentence.
        var line = bytes.split(separator: UInt8(ascii: "\n")).first ?? []
        while let last = line.last, last == UInt8(ascii: ".") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\r") {
            line = line.dropLast()
        }
        return (value!, line.isEmpty ? nil : String(decoding: line, as: UTF8.self))
    }

    /// Runs `body` under the lock when what libmdb prints does not matter (closing, freeing).
    static func quietly<T>(_ body: () -> T) -> T { call(body).value }
}
