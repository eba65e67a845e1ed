/// UTF-8 input read with `--encoding utf-8-replace`: each byte that is not part of a valid
/// UTF-8 character becomes U+FFFD, counted and located so the reader can warn. Only on
/// request: without it, invalid UTF-8 in a UTF-8 file is an error (a value never changes
/// without a word).
public final class UTF8ReplacingByteSource: ByteSource {
    private let input: UTF8ByteSource
    private var raw = [UInt8](repeating: 0, count: 1 << 20)
    /// Up to 3 bytes of a character cut by the end of a read, examined again with the next.
    private var pending: [UInt8] = []
    /// Line and offset (in the text after a BOM) of `raw[0]`, kept until the first replacement.
    private var line = 1
    private var offset: Int64 = 0
    public private(set) var replacements = 0
    public private(set) var firstReplacement: (line: Int, byteOffset: Int64)?

    public init(stream: InputByteStream) {
        input = UTF8ByteSource(stream: stream)
    }

    public var fileBytesRead: Int64 { input.fileBytesRead }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        // One input byte gives at most 3 output bytes (U+FFFD); callers offer at least 16.
        let window = Swift.min(raw.count, Swift.max(4, buffer.count / 3))
        while true {
            let carried = pending.count
            for (k, byte) in pending.enumerated() { raw[k] = byte }
            pending = []
            let n = try raw.withMutableBytes { r throws(ConversionError) in
                try input.read(into: UnsafeMutableRawBufferPointer(rebasing: r[carried..<window]))
            }
            let total = carried + n
            if total == 0 { return 0 }
            let out = raw.withUnsafeBytes { r in transcode(UnsafeRawBufferPointer(rebasing: r[0..<total]), ended: n == 0, into: buffer) }
            if out > 0 || n == 0 { return out }
        }
    }

    private func transcode(_ bytes: UnsafeRawBufferPointer, ended: Bool, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let dst = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var out = 0
        var i = 0
        while i < bytes.count {
            let valid = UTF8Validation.validPrefixLength(UnsafeRawBufferPointer(rebasing: bytes[i...]))
            if valid > 0 {
                UnsafeMutableRawPointer(dst + out).copyMemory(from: bytes.baseAddress! + i, byteCount: valid)
                if firstReplacement == nil { line += bytes[i..<(i + valid)].count(where: { $0 == 0x0A }) }
                out += valid
                i += valid
            }
            if i == bytes.count { break }
            // A character cut by the end of this read is completed by the next one.
            if !ended && bytes.count - i < 4 {
                pending = Array(bytes[i...])
                break
            }
            if firstReplacement == nil { firstReplacement = (line, offset + Int64(i)) }
            replacements += 1
            dst[out] = 0xEF; dst[out + 1] = 0xBF; dst[out + 2] = 0xBD
            out += 3
            i += 1
        }
        offset += Int64(i)
        return out
    }

    /// The warning for the replacements made, or nil when the input was valid UTF-8.
    public func warning(path: String) -> String? {
        guard let first = firstReplacement else { return nil }
        return "\(replacements) invalid UTF-8 byte(s) in '\(path)' were replaced with U+FFFD (--encoding utf-8-replace); the first on line \(first.line) (byte offset \(first.byteOffset))."
    }
}
