import Columnar

import Platform

/// A stream of UTF-8 bytes read from a file, transcoded when the file is not UTF-8.
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; 0 means end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int
    /// Bytes of the underlying file consumed so far (for progress).
    var fileBytesRead: Int64 { get }
}

/// An open input file; closes itself on deinit.
public final class InputFile {
    public let path: String
    public let descriptor: Int32
    public let size: Int64
    public private(set) var offset: Int64 = 0

    public init(path: String) throws(ConversionError) {
        self.path = path
        (descriptor, size) = try Self.open(path)
        #if os(Linux)
        posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    /// Opens `path` read-only: its descriptor (the caller closes it) and size. A missing
    /// file, a directory or a file that cannot be opened throws the error that names it.
    public static func open(_ path: String) throws(ConversionError) -> (descriptor: Int32, size: Int64) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw .inputNotFound(path: path) }
            throw .io(operation: "read", path: path, reason: systemMessage(code))
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw .unreadableInput(path: path, reason: "it is a directory, not a file")
        }
        // A FIFO without a writer would block open() for ever, a device like /dev/zero never
        // ends, and every reader may read its input twice (sniffing, a restart after a type
        // is widened), which a pipe cannot do: only regular files are inputs.
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadableInput(
                path: path,
                reason: "it is \(Self.kind(info.st_mode)), not a regular file, and pyforge reads its input more than once. Save the data to a file first (for example: cat > data.csv) and convert that file")
        }
        let fd = systemOpen(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, reason: systemMessage(errno)) }
        return (fd, Int64(info.st_size))
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    deinit { close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        while true {
            let n = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw .io(operation: "read", path: path, reason: systemMessage(errno))
        }
    }
}

/// UTF-8 input: bytes pass through, a leading BOM is skipped. The bytes come from the file,
/// or from a decompressing stream (`.json.gz`, `.csv.zst`).
public final class UTF8ByteSource: ByteSource {
    private let input: InputByteStream
    private var skipBOM: Bool
    /// 3 when a BOM was skipped: the text's byte k is the file's byte k + 3.
    public private(set) var skippedBOMBytes = 0

    public init(stream: InputByteStream) {
        input = stream
        skipBOM = true
    }

    public var fileBytesRead: Int64 { input.fileBytesRead }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        var n = try input.read(into: buffer)
        if skipBOM {
            skipBOM = false
            // A read of fewer than 3 bytes at the start only happens for tiny files.
            if n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                let base = buffer.baseAddress!
                memmove(base, base + 3, n - 3)
                n -= 3
                skippedBOMBytes = 3
            }
        }
        return n
    }
}

/// Windows-1252 or Latin-1 input, expanded to UTF-8.
final class SingleByteSource: ByteSource {
    private let input: InputByteStream
    private var raw: [UInt8]
    private let table: [UInt32]

    public init(stream: InputByteStream, encoding: TextEncoding) {
        input = stream
        raw = [UInt8](repeating: 0, count: 1 << 20)
        table = (0..<256).map { byte in
            if encoding == .windows1252, (0x80...0x9F).contains(byte) { return windows1252High[byte - 0x80] }
            return UInt32(byte)
        }
    }

    public var fileBytesRead: Int64 { input.fileBytesRead }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        let want = Swift.min(raw.count, buffer.count / 3)
        let n = try raw.withMutableBytes { r throws(ConversionError) in
            try input.read(into: UnsafeMutableRawBufferPointer(rebasing: r[0..<want]))
        }
        var out = 0
        let dst = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n {
            let scalar = table[Int(raw[i])]
            if scalar < 0x80 {
                dst[out] = UInt8(scalar); out += 1
            } else if scalar < 0x800 {
                dst[out] = UInt8(0xC0 | scalar >> 6); dst[out + 1] = UInt8(0x80 | scalar & 0x3F); out += 2
            } else {
                dst[out] = UInt8(0xE0 | scalar >> 12); dst[out + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                dst[out + 2] = UInt8(0x80 | scalar & 0x3F); out += 3
            }
        }
        return out
    }
}

/// Windows-1252's 0x80–0x9F (undefined bytes map to the C1 control of the same value, as Python's
/// "replace"-free decoders of the WHATWG table do).
private let windows1252High: [UInt32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
    0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
]

/// UTF-16 input (either byte order), transcoded to UTF-8; the BOM is skipped.
final class UTF16ByteSource: ByteSource {
    private let file: InputByteStream
    private let bigEndian: Bool
    private var raw: [UInt8]
    private var pending: [UInt8] = []  // an odd byte or half a surrogate pair carried to the next read
    private var atStart = true

    public init(stream: InputByteStream, bigEndian: Bool) {
        file = stream
        self.bigEndian = bigEndian
        raw = [UInt8](repeating: 0, count: 1 << 20)
    }

    public var fileBytesRead: Int64 { file.fileBytesRead }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        // 2 input bytes give at most 3 output bytes (4 give 4).
        let want = Swift.min(raw.count, buffer.count * 2 / 3) & ~1
        while true {
            let n = try raw.withMutableBytes { r throws(ConversionError) in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: r[0..<Swift.max(2, want - pending.count)]))
            }
            var input = pending + raw[0..<n]
            pending = []
            if atStart && input.count >= 2 {
                atStart = false
                if (bigEndian && input[0] == 0xFE && input[1] == 0xFF) || (!bigEndian && input[0] == 0xFF && input[1] == 0xFE) {
                    input.removeFirst(2)
                }
            }
            if n == 0 {
                guard input.isEmpty else {
                    throw .malformedInput(path: file.path, location: "the end of the file", reason: "a UTF-16 character is cut off", fix: "check that the file is complete")
                }
                return 0
            }
            let out = try transcode(input, into: buffer)
            if out > 0 || n == 0 { return out }
        }
    }

    private func transcode(_ input: [UInt8], into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        let dst = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var out = 0
        var i = 0
        func unit(_ k: Int) -> UInt32 {
            bigEndian ? UInt32(input[k]) << 8 | UInt32(input[k + 1]) : UInt32(input[k + 1]) << 8 | UInt32(input[k])
        }
        while i + 1 < input.count {
            var scalar = unit(i)
            var width = 2
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 3 < input.count else { break }
                let low = unit(i + 2)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw .malformedInput(path: file.path, location: "byte \(file.fileBytesRead)", reason: "an unpaired UTF-16 surrogate", fix: "check the file's encoding with --encoding")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                width = 4
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw .malformedInput(path: file.path, location: "byte \(file.fileBytesRead)", reason: "an unpaired UTF-16 surrogate", fix: "check the file's encoding with --encoding")
            }
            if scalar < 0x80 {
                dst[out] = UInt8(scalar); out += 1
            } else if scalar < 0x800 {
                dst[out] = UInt8(0xC0 | scalar >> 6); dst[out + 1] = UInt8(0x80 | scalar & 0x3F); out += 2
            } else if scalar < 0x10000 {
                dst[out] = UInt8(0xE0 | scalar >> 12); dst[out + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                dst[out + 2] = UInt8(0x80 | scalar & 0x3F); out += 3
            } else {
                dst[out] = UInt8(0xF0 | scalar >> 18); dst[out + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
                dst[out + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F); dst[out + 3] = UInt8(0x80 | scalar & 0x3F); out += 4
            }
            i += width
        }
        pending = Array(input[i...])
        return out
    }
}

/// Reads `input` (a file, or the decompressed bytes of one) as UTF-8 in the given encoding.
public func makeByteSource(_ input: InputByteStream, encoding: TextEncoding) -> ByteSource {
    switch encoding {
    case .utf8, .utf8WithBOM: return UTF8ByteSource(stream: input)
    case .utf8Replacing: return UTF8ReplacingByteSource(stream: input)
    case .utf16LE: return UTF16ByteSource(stream: input, bigEndian: false)
    case .utf16BE: return UTF16ByteSource(stream: input, bigEndian: true)
    case .windows1252, .latin1: return SingleByteSource(stream: input, encoding: encoding)
    }
}

@inline(__always)
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags)
    #else
    return Darwin.open(path, flags)
    #endif
}

@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
