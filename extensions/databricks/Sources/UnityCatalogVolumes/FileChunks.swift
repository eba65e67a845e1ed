#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A local file as an async sequence of 1 MiB buffers, opened on first use, so each upload
/// attempt streams the file from its start without holding it in memory.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    var chunkSize = 1 << 20

    func makeAsyncIterator() -> Iterator {
        Iterator(path: path, chunkSize: chunkSize)
    }

    /// Owns the descriptor; closes it at the end of the file or when dropped early.
    final class Iterator: AsyncIteratorProtocol {
        private let path: String
        private let chunkSize: Int
        private var fd: Int32 = -1
        private var finished = false
        private let allocator = ByteBufferAllocator()

        init(path: String, chunkSize: Int) {
            self.path = path
            self.chunkSize = chunkSize
        }

        deinit {
            if fd >= 0 { _ = close(fd) }
        }

        func next() async throws -> ByteBuffer? {
            if finished { return nil }
            if fd < 0 { fd = try POSIXFile.openForReading(path) }
            var buffer = allocator.buffer(capacity: chunkSize)
            var readError: (any Error)?
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { bytes in
                do {
                    return try POSIXFile.readChunk(fd, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<chunkSize]), path: path)
                } catch {
                    readError = error
                    return 0
                }
            }
            if let readError { throw readError }
            if count == 0 {
                finished = true
                _ = close(fd)
                fd = -1
                return nil
            }
            return buffer
        }
    }
}
