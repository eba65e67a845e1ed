import CSnappy
import CZstd
import SystemZlib

/// Compresses page bodies with one codec, reusing its native context between pages.
/// Not thread-safe: each column writer owns one.
final class PageCompressor {
    let codec: CompressionCodec
    private let level: Int32
    private var zstdContext: OpaquePointer?

    init(codec: CompressionCodec, level: Int?) throws(ParquetError) {
        self.codec = codec
        switch codec {
        case .uncompressed, .snappy:
            self.level = 0
        case .zstd:
            let requested = Int32(level ?? 3)
            guard requested >= ZSTD_minCLevel(), requested <= ZSTD_maxCLevel() else {
                throw .invalidOptions("zstd level \(requested) is outside \(ZSTD_minCLevel())...\(ZSTD_maxCLevel())")
            }
            self.level = requested
            zstdContext = ZSTD_createCCtx()
        case .gzip:
            let requested = Int32(level ?? 6)
            guard (1...9).contains(requested) else { throw .invalidOptions("gzip level \(requested) is outside 1...9") }
            self.level = requested
        default:
            throw .invalidOptions("the \(codec.name) codec is not supported for writing")
        }
    }

    deinit {
        if let zstdContext { ZSTD_freeCCtx(zstdContext) }
    }

    /// Appends the compressed form of `input` to `output`.
    func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(ParquetError) {
        let start = output.count
        switch codec {
        case .uncompressed:
            output.append(contentsOf: input)
        case .snappy:
            let bound = snappy_max_compressed_length(input.count)
            output.append(contentsOf: repeatElement(0, count: bound))
            var length = bound
            let empty: CChar = 0
            let status = output.withUnsafeMutableBytes { out in
                withUnsafePointer(to: empty) { emptyPointer in
                    snappy_compress(
                        input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? emptyPointer, input.count,
                        out.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK else { throw .compressionFailed(codec: codec, reason: "status \(status.rawValue)") }
            output.removeLast(bound - length)
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            output.append(contentsOf: repeatElement(0, count: bound))
            let written = output.withUnsafeMutableBytes { out in
                ZSTD_compressCCtx(
                    zstdContext, out.baseAddress!.advanced(by: start), bound, input.baseAddress, input.count, level)
            }
            if ZSTD_isError(written) != 0 {
                throw .compressionFailed(codec: codec, reason: String(cString: ZSTD_getErrorName(written)))
            }
            output.removeLast(bound - written)
        case .gzip:
            try gzip(input, start: start, output: &output)
        default:
            throw .compressionFailed(codec: codec, reason: "not supported")
        }
    }

    /// GZIP member format (windowBits 15 + 16), which every Parquet reader accepts.
    private func gzip(_ input: UnsafeRawBufferPointer, start: Int, output: inout [UInt8]) throws(ParquetError) {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .compressionFailed(codec: codec, reason: "deflateInit2 returned \(status)") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        output.append(contentsOf: repeatElement(0, count: bound))
        status = output.withUnsafeMutableBytes { out -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress!.advanced(by: start).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(bound)
            return deflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END else { throw .compressionFailed(codec: codec, reason: "deflate returned \(status)") }
        output.removeLast(bound - Int(stream.total_out))
    }
}
