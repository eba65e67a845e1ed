import CBZip2

/// bzip2 through libbz2's stream API; concatenated streams (pbzip2 output) are read in turn.
/// Memory: libbz2's decoder state (under 4 MiB for the largest, 900 kB, blocks) and the
/// 256 KiB input buffer.
final class Bzip2Decoder: InputByteStream {
    public let path: String
    private let file: InputFile
    private let stream: UnsafeMutablePointer<bz_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var fileEnded = false
    private var streamEnded = false

    public init(path: String) throws(ConversionError) {
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

    /// Compressed bytes the decoder has taken (read from the file minus those still waiting).
    public var fileBytesRead: Int64 { file.offset - Int64(stream.pointee.avail_in) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
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
                    path: path, location: "compressed byte \(fileBytesRead)", reason: "the bzip2 data is corrupt (libbz2 code \(code))",
                    fix: "check that the file is a complete bzip2 file (bzip2 -t), and copy or download it again if not")
            }
            if produced > 0 { return produced }
            if fileEnded && stream.pointee.avail_in == 0 && !streamEnded {
                throw .malformedInput(
                    path: path, location: "compressed byte \(fileBytesRead) (the end of the file)", reason: "the bzip2 data ends in the middle of a stream",
                    fix: "check that the file is complete (bzip2 -t), and copy or download it again if not")
            }
        }
    }
}
