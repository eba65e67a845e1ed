import Platform
import SystemZlib

/// gzip through zlib's gz* API, which also reads concatenated members in turn. Memory: zlib's
/// 32 KiB window and the 256 KiB input buffer set below.
final class GzipDecoder: InputByteStream {
    public let path: String
    private let handle: gzFile
    private let file: InputFile  // opened first for the not-found and directory errors; gzip reads a dup of its descriptor

    public init(path: String) throws(ConversionError) {
        self.path = path
        file = try InputFile(path: path)
        guard let handle = gzdopen(dup(file.descriptor), "rb") else {
            throw .io(operation: "open", path: path, reason: systemMessage(errno))
        }
        gzbuffer(handle, 1 << 18)
        self.handle = handle
    }

    deinit { gzclose(handle) }

    public var fileBytesRead: Int64 { Int64(gzoffset(handle)) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        let n = gzread(handle, buffer.baseAddress, UInt32(Swift.min(buffer.count, 1 << 30)))
        var code: Int32 = Z_OK
        var message = n <= 0 ? gzerror(handle, &code).map { String(cString: $0) } ?? "unknown error" : ""
        if n < 0 || code != Z_OK {
            // zlib names the stream "<fd:N>: "; the sentence names the file already.
            if message.hasPrefix("<fd:"), let colon = message.firstIndex(of: ":"), let end = message[colon...].dropFirst().firstIndex(of: ":") {
                message = String(message[message.index(after: end)...].drop(while: { $0 == " " }))
            }
            // A truncated member reads as end of input with Z_BUF_ERROR set.
            throw .malformedInput(
                path: path, location: "compressed byte \(fileBytesRead)", reason: "the gzip data is corrupt or cut off (\(message))",
                fix: "check that the file is a complete gzip file (gzip -t), and copy or download it again if not")
        }
        return Int(n)
    }
}
