import Platform
import FormatKit

/// A PDF file mapped into memory read-only (PDF needs random access; the kernel pages in
/// only what is read). Falls back to reading the file when it cannot be mapped.
final class PDFFileBytes {
    let buffer: UnsafeBufferPointer<UInt8>
    private let mapped: Bool

    init(path: String) throws(ConversionError) {
        let (fd, fileSize) = try InputFile.open(path)
        defer { close(fd) }
        let size = Int(fileSize)
        guard size > 0 else {
            buffer = UnsafeBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        if let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED {
            buffer = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
            mapped = true
            return
        }
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        var done = 0
        while done < size {
            let n = read(fd, memory + done, size - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                memory.deallocate()
                throw .io(operation: "read", path: path, reason: n < 0 ? systemMessage(errno) : "the file shrank while it was read")
            }
            done += n
        }
        buffer = UnsafeBufferPointer(start: memory, count: size)
        mapped = false
    }

    deinit {
        guard let base = buffer.baseAddress else { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), buffer.count)
        } else {
            base.deallocate()
        }
    }
}
