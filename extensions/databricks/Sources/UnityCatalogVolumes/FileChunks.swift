import Platform
import NIOCore

/// A local file (or the byte range `range` of it, one part of a multipart upload) as an async
/// sequence of 1 MiB buffers, opened on first use, so each upload attempt streams the bytes
/// from their start without holding them in memory.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    var range: Range<Int64>? = nil
    var chunkSize = 1 << 20

    func makeAsyncIterator() -> Iterator {
        Iterator(path: path, range: range, chunkSize: chunkSize)
    }

    /// Owns the descriptor; closes it at the end of the file or when dropped early.
    final class Iterator: AsyncIteratorProtocol {
        private let path: String
        private let chunkSize: Int
        private let start: Int64
        /// Bytes still to send; nil for the rest of the file.
        private var remaining: Int64?
        private var fd: Int32 = -1
        private var finished = false
        private let allocator = ByteBufferAllocator()

        init(path: String, range: Range<Int64>?, chunkSize: Int) {
            self.path = path
            self.chunkSize = chunkSize
            start = range?.lowerBound ?? 0
            remaining = range.map { $0.upperBound - $0.lowerBound }
        }

        deinit {
            if fd >= 0 { _ = close(fd) }
        }

        func next() async throws -> ByteBuffer? {
            if finished || remaining == 0 { return nil }
            if fd < 0 {
                fd = try POSIXFile.openForReading(path)
                if start > 0, lseek(fd, off_t(start), SEEK_SET) < 0 { throw POSIXFile.failure(path, "seek in") }
            }
            let want = remaining.map { Int(Swift.min(Int64(chunkSize), $0)) } ?? chunkSize
            var buffer = allocator.buffer(capacity: want)
            var readError: (any Error)?
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { bytes in
                do {
                    return try POSIXFile.readChunk(fd, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<want]), path: path)
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
            remaining = remaining.map { $0 - Int64(count) }
            return buffer
        }
    }
}
