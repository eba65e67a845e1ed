import Columnar
import Platform

/// Reads a Parquet file's footer: enough for `info`, for validating outputs and for
/// checking that a file is complete.
public enum ParquetFooterReader {
    public static func readMetadata(path: String) throws(ParquetError) -> FileMetaData {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw .io(operation: "open", path: path, errno: code, message: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            throw .io(operation: "stat", path: path, errno: code, message: String(cString: strerror(code)))
        }
        let size = Int64(info.st_size)
        guard size >= 12 else { throw .notParquet(path: path, reason: "it is only \(size) bytes long.") }
        let head = try readBytes(fd, path: path, offset: 0, count: 4)
        let tail = try readBytes(fd, path: path, offset: size - 8, count: 8)
        guard head == ParquetFileWriter.magic, Array(tail[4..<8]) == ParquetFileWriter.magic else {
            throw .notParquet(path: path, reason: "it does not start and end with the PAR1 magic bytes (truncated or another format).")
        }
        let footerLength = Int64(tail[0]) | Int64(tail[1]) << 8 | Int64(tail[2]) << 16 | Int64(tail[3]) << 24
        guard footerLength > 0, footerLength <= size - 12 else {
            throw .notParquet(path: path, reason: "its footer length \(footerLength) does not fit in the file.")
        }
        let footer = try readBytes(fd, path: path, offset: size - 8 - footerLength, count: Int(footerLength))
        return try decodeMetadata(footer)
    }

    /// Decodes a serialized FileMetaData (the footer without its length and magic).
    public static func decodeMetadata(_ bytes: [UInt8]) throws(ParquetError) -> FileMetaData {
        let fields = try bytes.withBytes { raw throws(ParquetError) in
            var reader = CompactProtocolReader(raw)
            return try reader.readStruct()
        }
        return try FileMetaData(thrift: fields)
    }

    private static func readBytes(_ fd: Int32, path: String, offset: Int64, count: Int) throws(ParquetError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw .io(operation: "read", path: path, errno: code, message: String(cString: strerror(code)))
            }
            if n == 0 { throw .notParquet(path: path, reason: "it ends unexpectedly.") }
            done += n
        }
        return buffer
    }
}
