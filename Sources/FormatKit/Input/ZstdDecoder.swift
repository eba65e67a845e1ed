import CZstd

/// Zstandard through libzstd's streaming API. Several frames in a row (`zstd -c a b > ab.zst`,
/// parallel compressors) are read in sequence, as gzip members are; skippable frames are
/// passed over by libzstd.
///
/// Memory: the 256 KiB input buffer and the frame's window, which libzstd refuses above its
/// default limit of 128 MiB (frames from `zstd --long=28` and beyond; the error says so).
/// Output goes straight into the caller's buffer, so a frame that expands enormously only
/// takes longer.
final class ZstdDecoder: InputByteStream {
    public let path: String
    private let file: InputFile
    private let stream: OpaquePointer
    private let buffer: UnsafeMutableRawBufferPointer
    private var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var fileEnded = false
    /// A frame has started and not yet ended: the end of the file here means it is cut off.
    private var inFrame = false

    public init(path: String) throws(ConversionError) {
        self.path = path
        file = try InputFile(path: path)
        guard let stream = ZSTD_createDStream() else {
            throw .io(operation: "read", path: path, reason: "libzstd could not allocate a decoder (out of memory)")
        }
        self.stream = stream
        ZSTD_initDStream(stream)
        buffer = .allocate(byteCount: 1 << 18, alignment: 16)
    }

    deinit {
        ZSTD_freeDStream(stream)
        buffer.deallocate()
    }

    /// Compressed bytes the decoder has taken (read from the file minus those still waiting).
    public var fileBytesRead: Int64 { file.offset - Int64(input.size - input.pos) }

    public func read(into destination: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        var output = ZSTD_outBuffer(dst: destination.baseAddress, size: destination.count, pos: 0)
        while true {
            if input.pos == input.size && !fileEnded {
                let n = try file.read(into: buffer)
                fileEnded = n == 0
                input = ZSTD_inBuffer(src: UnsafeRawPointer(buffer.baseAddress), size: n, pos: 0)
            }
            let drained = input.pos == input.size && fileEnded
            // Between frames with nothing left to read: the end of the input.
            if drained && !inFrame { return 0 }
            let result = ZSTD_decompressStream(stream, &output, &input)
            if ZSTD_isError(result) != 0 { throw corrupt(result) }
            // 0: the frame is complete and flushed; the next call starts a new frame.
            inFrame = result != 0
            if output.pos > 0 { return output.pos }
            if drained && inFrame {
                throw .malformedInput(
                    path: path, location: "compressed byte \(fileBytesRead) (the end of the file)",
                    reason: "the zstd data ends in the middle of a frame",
                    fix: "check that the file is complete (zstd -t), and copy or download it again if not")
            }
        }
    }

    private func corrupt(_ code: Int) -> ConversionError {
        let name = String(cString: ZSTD_getErrorName(code))
        if ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge {
            return .malformedInput(
                path: path, location: "compressed byte \(fileBytesRead)",
                reason: "the zstd frame needs a window larger than 128 MiB to decompress (\(name))",
                fix: "recompress it with a smaller window (zstd without --long, or --long=27 or less)")
        }
        return .malformedInput(
            path: path, location: "compressed byte \(fileBytesRead)", reason: "the zstd data is corrupt (\(name))",
            fix: "check that the file is a complete zstd file (zstd -t), and copy or download it again if not")
    }
}
