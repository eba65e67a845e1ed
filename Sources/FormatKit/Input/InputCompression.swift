/// The bytes of an input file as its reader sees them: the file's own bytes, or the bytes
/// decompressed as they are read when the name ends in `.gz`, `.bz2` or `.zst` (CSV/TSV, JSON,
/// NDJSON and XML). No transcoding happens here; the readers decode text encodings.
///
/// Memory is bounded by the decoders, never by the file or by what it decompresses to: each
/// read fills at most the caller's buffer, and a decoder keeps only its input buffer and its
/// format's window (see each decoder). A "decompression bomb" therefore costs time, not memory.
public protocol InputByteStream: AnyObject {
    /// The file's path, for error messages.
    var path: String { get }
    /// Fills up to `buffer.count` bytes; 0 means end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int
    /// Bytes of the file on disk consumed so far (compressed bytes, for progress).
    var fileBytesRead: Int64 { get }
}

/// The compression an input's name declares: `data.csv.zst` is zstd-compressed CSV.
public enum InputCompression: String, Sendable, CaseIterable {
    case none, gzip, bzip2, zstd

    /// The file-name suffix, `nil` for plain input.
    public var suffix: String? {
        switch self {
        case .none: return nil
        case .gzip: return ".gz"
        case .bzip2: return ".bz2"
        case .zstd: return ".zst"
        }
    }

    public init(path: String) {
        self = Self.split(path).compression
    }

    /// The name without its compression suffix (`data.csv.gz` → `data.csv`), which decides the
    /// format, and the compression. A name that is only the suffix (`.gz`) is plain.
    public static func split(_ path: String) -> (inner: String, compression: InputCompression) {
        let lower = path.lowercased()
        for compression in allCases {
            guard let suffix = compression.suffix, lower.hasSuffix(suffix), path.count > suffix.count else { continue }
            return (String(path.dropLast(suffix.count)), compression)
        }
        return (path, .none)
    }

    /// Opens `path` for reading, decompressing as it is read.
    public static func open(_ path: String) throws(ConversionError) -> InputByteStream {
        switch InputCompression(path: path) {
        case .none: return PlainInput(file: try InputFile(path: path))
        case .gzip: return try GzipDecoder(path: path)
        case .bzip2: return try Bzip2Decoder(path: path)
        case .zstd: return try ZstdDecoder(path: path)
        }
    }
}

/// An uncompressed file, read as it is.
final class PlainInput: InputByteStream {
    private let file: InputFile
    public init(file: InputFile) { self.file = file }
    public var path: String { file.path }
    public var fileBytesRead: Int64 { file.offset }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int { try file.read(into: buffer) }
}
