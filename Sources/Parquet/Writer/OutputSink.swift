import Columnar
import Platform

/// Where a Parquet file's bytes go, in order.
public protocol OutputSink: AnyObject {
    /// Bytes written so far (the offset of the next byte).
    var position: Int64 { get }
    func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError)
    /// Pushes buffered bytes to the operating system.
    func flush() throws(ParquetError)
}

extension OutputSink {
    func write(_ bytes: [UInt8]) throws(ParquetError) {
        try bytes.withBytes { raw throws(ParquetError) in try write(raw) }
    }
}

/// A buffered sink over an open file descriptor; it never closes the descriptor.
public final class FileDescriptorSink: OutputSink {
    public let fileDescriptor: Int32
    public let path: String
    public private(set) var position: Int64 = 0
    private var buffer: [UInt8] = []
    private let capacity: Int

    public init(fileDescriptor: Int32, path: String, bufferSize: Int = 1 << 20) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        capacity = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        position += Int64(bytes.count)
        if buffer.count + bytes.count <= capacity {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush()
        if bytes.count >= capacity {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func flush() throws(ParquetError) {
        guard !buffer.isEmpty else { return }
        try buffer.withBytes { raw throws(ParquetError) in try writeFully(raw) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Loops over short writes and EINTR; a zero-byte write is an error, not progress.
    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw .io(operation: "write", path: path, errno: code, message: String(cString: strerror(code)))
            }
            if n == 0 { throw .io(operation: "write", path: path, errno: EIO, message: "the write made no progress") }
            offset += n
        }
    }
}

/// Collects the file in memory (tests, small metadata files).
public final class MemorySink: OutputSink {
    public private(set) var bytes: [UInt8] = []
    public var position: Int64 { Int64(bytes.count) }
    public init() {}
    public func write(_ raw: UnsafeRawBufferPointer) throws(ParquetError) { bytes.append(contentsOf: raw) }
    public func flush() throws(ParquetError) {}
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
