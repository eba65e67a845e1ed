#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBZip2
import SystemZlib

/// The bytes of an XML file, decompressed when it ends in .gz or .bz2. The XML parser
/// decodes the document's own encoding, so no transcoding happens here.
protocol XMLInputStream: AnyObject {
    /// Fills up to `buffer.count` bytes; 0 means end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int
    /// Bytes of the file on disk consumed so far (for progress).
    var fileBytesRead: Int64 { get }
}

enum XMLCompression: String, Sendable {
    case none, gzip, bzip2

    init(path: String) {
        let lower = path.lowercased()
        self = lower.hasSuffix(".gz") ? .gzip : lower.hasSuffix(".bz2") ? .bzip2 : .none
    }

    static func open(_ path: String) throws(ConversionError) -> XMLInputStream {
        switch XMLCompression(path: path) {
        case .none: return PlainXMLInput(file: try InputFile(path: path))
        case .gzip: return try GzipXMLInput(path: path)
        case .bzip2: return try Bzip2XMLInput(path: path)
        }
    }
}

final class PlainXMLInput: XMLInputStream {
    private let file: InputFile
    init(file: InputFile) { self.file = file }
    var fileBytesRead: Int64 { file.offset }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int { try file.read(into: buffer) }
}

/// gzip through zlib's gz* API (which also handles concatenated members).
final class GzipXMLInput: XMLInputStream {
    private let path: String
    private let handle: gzFile
    private let file: InputFile  // opened first for the not-found and directory errors; gzip reads a dup of its descriptor

    init(path: String) throws(ConversionError) {
        self.path = path
        file = try InputFile(path: path)
        guard let handle = gzdopen(dup(file.descriptor), "rb") else {
            throw .io(operation: "open", path: path, reason: systemMessage(errno))
        }
        gzbuffer(handle, 1 << 18)
        self.handle = handle
    }

    deinit { gzclose(handle) }

    var fileBytesRead: Int64 { Int64(gzoffset(handle)) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        let n = gzread(handle, buffer.baseAddress, UInt32(Swift.min(buffer.count, 1 << 30)))
        var code: Int32 = Z_OK
        let message = n <= 0 ? gzerror(handle, &code).map { String(cString: $0) } ?? "unknown error" : ""
        if n < 0 || code != Z_OK {
            // A truncated member reads as end of input with Z_BUF_ERROR set.
            throw .malformedInput(
                path: path, location: "compressed byte \(fileBytesRead)", reason: "the gzip data is corrupt (\(message))",
                fix: "check that the file is a complete gzip file (gzip -t)")
        }
        return Int(n)
    }
}

/// bzip2 through libbz2's stream API; concatenated streams (pbzip2 output) are read in turn.
final class Bzip2XMLInput: XMLInputStream {
    private let path: String
    private let file: InputFile
    private let stream: UnsafeMutablePointer<bz_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var fileEnded = false
    private var streamEnded = false

    init(path: String) throws(ConversionError) {
        self.path = path
        file = try InputFile(path: path)
        input = .allocate(byteCount: 1 << 18, alignment: 16)
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
        BZ2_bzDecompressInit(stream, 0, 0)
    }

    deinit {
        BZ2_bzDecompressEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    var fileBytesRead: Int64 { file.offset }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        let capacity = Swift.min(buffer.count, 1 << 30)
        while true {
            if stream.pointee.avail_in == 0 && !fileEnded {
                let n = try file.read(into: input)
                fileEnded = n == 0
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: CChar.self)
                stream.pointee.avail_in = UInt32(n)
            }
            if streamEnded {
                // Another stream follows only if input bytes remain.
                if stream.pointee.avail_in == 0 && fileEnded { return 0 }
                let next = stream.pointee.next_in, pending = stream.pointee.avail_in
                BZ2_bzDecompressEnd(stream)
                stream.initialize(to: bz_stream())
                BZ2_bzDecompressInit(stream, 0, 0)
                stream.pointee.next_in = next
                stream.pointee.avail_in = pending
                streamEnded = false
            }
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            stream.pointee.avail_out = UInt32(capacity)
            let code = BZ2_bzDecompress(stream)
            let produced = capacity - Int(stream.pointee.avail_out)
            if code == BZ_STREAM_END {
                streamEnded = true
            } else if code != BZ_OK {
                throw .malformedInput(
                    path: path, location: "compressed byte \(file.offset)", reason: "the bzip2 data is corrupt (libbz2 code \(code))",
                    fix: "check that the file is a complete bzip2 file (bzip2 -t)")
            }
            if produced > 0 { return produced }
            if fileEnded && stream.pointee.avail_in == 0 && !streamEnded {
                throw .malformedInput(
                    path: path, location: "the end of the file", reason: "the bzip2 data ends in the middle of a stream",
                    fix: "check that the file is complete (bzip2 -t)")
            }
        }
    }
}
