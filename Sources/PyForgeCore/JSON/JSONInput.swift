#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a JSON file as UTF-8: plain, or decompressed from `.gz` (concatenated members
/// too) and `.bz2` as they are read — the same streaming decoders XML input uses — so a
/// compressed dump converts in the memory of its largest record, never of the whole file.
enum JSONInput {
    static func open(_ path: String) throws(ConversionError) -> ByteSource {
        switch XMLCompression(path: path) {
        case .none: return UTF8ByteSource(file: try InputFile(path: path))
        case .gzip, .bzip2: return DecompressedJSON(stream: try XMLCompression.open(path))
        }
    }
}

/// A decompressing stream as a `ByteSource`, without a leading UTF-8 byte order mark.
final class DecompressedJSON: ByteSource {
    private let stream: XMLInputStream
    private var atStart = true

    init(stream: XMLInputStream) { self.stream = stream }

    var fileBytesRead: Int64 { stream.fileBytesRead }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        var n = try stream.read(into: buffer)
        if atStart && n > 0 {
            atStart = false
            // A first read shorter than the mark only happens for a file of one or two bytes.
            if n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                let base = buffer.baseAddress!
                memmove(base, base + 3, n - 3)
                n -= 3
            }
        }
        return n
    }
}
