import Platform
import SystemZlib
import FormatKit

/// Limits that keep a hostile archive (a "ZIP bomb") from filling memory or disk time.
public struct ZipLimits: Sendable, Equatable {
    /// Most bytes all entries of one workbook may inflate to, together.
    public var maxTotalUncompressed: Int64
    /// Most an entry larger than `ratioCheckThreshold` may inflate per compressed byte.
    public var maxCompressionRatio: Int64
    public var ratioCheckThreshold: Int64

    public init(maxTotalUncompressed: Int64 = 4 << 30, maxCompressionRatio: Int64 = 200, ratioCheckThreshold: Int64 = 1 << 20) {
        self.maxTotalUncompressed = maxTotalUncompressed
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckThreshold = ratioCheckThreshold
    }
}

/// Inflated bytes across the entries of one open workbook, checked against the limit.
final class InflateBudget {
    let limits: ZipLimits
    var used: Int64 = 0
    init(limits: ZipLimits) { self.limits = limits }
}

/// Pulls one entry's inflated bytes on demand (stored or deflated), checking the
/// declared size, the compression ratio, the budget and finally the CRC-32.
final class ZipEntryReader {
    let entry: ZipEntry
    private let file: InputFile
    private let budget: InflateBudget
    private var stream = z_stream()
    private var streamOpen = false
    private var input: UnsafeMutablePointer<UInt8>
    private static let inputSize = 256 << 10
    private var compressedOffset: Int64 = 0
    private var compressedLeft: Int64
    private(set) var produced: Int64 = 0
    private var crc: uLong = crc32(0, nil, 0)
    private var finished = false

    init(file: InputFile, entry: ZipEntry, budget: InflateBudget) throws(ConversionError) {
        self.file = file
        self.entry = entry
        self.budget = budget
        compressedLeft = entry.compressedSize
        // Freed by deinit, which also runs when this initializer throws.
        input = .allocate(capacity: Self.inputSize)
        let path = file.path
        let limits = budget.limits
        if entry.flags & 1 != 0 {
            throw .unreadableInput(path: path, reason: "the workbook is encrypted (password-protected); remove the password in Excel and save it again")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw Self.corrupt(path, entry, "it uses ZIP compression method \(entry.method), which .xlsx files do not use")
        }
        // Refuse what the directory already declares too big, before inflating anything.
        if entry.uncompressedSize > limits.ratioCheckThreshold
            && entry.uncompressedSize > limits.maxCompressionRatio * Swift.max(entry.compressedSize, 1)
        {
            throw Self.bomb(path, entry, limits, "declares \(entry.uncompressedSize) bytes from \(entry.compressedSize) compressed bytes")
        }
        if budget.used + entry.uncompressedSize > limits.maxTotalUncompressed {
            throw Self.tooBig(path, limits)
        }
        let header = try ZipDirectory.read(file, at: entry.localHeaderOffset, count: 30)
        guard ZipDirectory.u32(header, 0) == 0x0403_4B50 else {
            throw Self.corrupt(path, entry, "its local header is missing")
        }
        compressedOffset = entry.localHeaderOffset + 30 + Int64(ZipDirectory.u16(header, 26)) + Int64(ZipDirectory.u16(header, 28))
        guard compressedOffset + entry.compressedSize <= file.size else {
            throw Self.corrupt(path, entry, "its data runs past the end of the file (the file is truncated)")
        }
        if entry.method == 8 {
            let status = inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                    throw .unreadableInput(path: path, reason: "zlib could not start inflating (status \(status))")
            }
            streamOpen = true
        }
    }

    deinit {
        if streamOpen { inflateEnd(&stream) }
        input.deallocate()
    }

    /// Fills `buffer` with the next inflated bytes; 0 at the end of the entry (after the CRC check).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        if finished || buffer.count == 0 { return 0 }
        let out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var n = 0
        if entry.method == 0 {
            let want = Int(Swift.min(Int64(buffer.count), compressedLeft))
            if want > 0 {
                let bytes = try ZipDirectory.read(file, at: compressedOffset, count: want)
                bytes.withUnsafeBytes { _ = memcpy(out, $0.baseAddress!, want) }
                compressedOffset += Int64(want)
                compressedLeft -= Int64(want)
            }
            n = want
            if compressedLeft == 0 && n == 0 { try finish() }
        } else {
            stream.next_out = out
            stream.avail_out = uInt(buffer.count)
            while stream.avail_out > 0 {
                if stream.avail_in == 0 && compressedLeft > 0 {
                    let want = Int(Swift.min(Int64(Self.inputSize), compressedLeft))
                    let got = pread(file.descriptor, input, want, off_t(compressedOffset))
                    if got < 0 {
                        if errno == EINTR { continue }
                        throw .io(operation: "read", path: file.path, reason: systemMessage(errno))
                    }
                    if got == 0 { throw Self.corrupt(file.path, entry, "its data ends early (the file is truncated)") }
                    compressedOffset += Int64(got)
                    compressedLeft -= Int64(got)
                    stream.next_in = input
                    stream.avail_in = uInt(got)
                }
                let status = inflate(&stream, Z_NO_FLUSH)
                if status == Z_STREAM_END {
                    n = buffer.count - Int(stream.avail_out)
                    if n == 0 { try finish() }
                    break
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 && compressedLeft == 0 {
                    throw Self.corrupt(file.path, entry, "its compressed data ends early (the file is truncated)")
                }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    throw Self.corrupt(file.path, entry, "its compressed data is damaged (zlib status \(status))")
                }
            }
            n = buffer.count - Int(stream.avail_out)
        }
        if n > 0 { try account(out, n) }
        return n
    }

    private func account(_ bytes: UnsafeMutablePointer<UInt8>, _ n: Int) throws(ConversionError) {
        produced += Int64(n)
        budget.used += Int64(n)
        let limits = budget.limits
        if produced > entry.uncompressedSize {
            throw Self.corrupt(file.path, entry, "it inflates to more bytes than its directory declares")
        }
        if budget.used > limits.maxTotalUncompressed { throw Self.tooBig(file.path, limits) }
        if produced > limits.ratioCheckThreshold && produced > limits.maxCompressionRatio * Swift.max(entry.compressedSize, 1) {
            throw Self.bomb(file.path, entry, limits, "inflated past \(produced) bytes from \(entry.compressedSize) compressed bytes")
        }
        crc = crc32(crc, bytes, uInt(n))
    }

    private func finish() throws(ConversionError) {
        finished = true
        guard produced == entry.uncompressedSize else {
            throw Self.corrupt(file.path, entry, "it inflates to \(produced) bytes but its directory declares \(entry.uncompressedSize)")
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc else {
            throw Self.corrupt(file.path, entry, "its CRC-32 checksum does not match (the data is damaged)")
        }
    }

    static func corrupt(_ path: String, _ entry: ZipEntry, _ reason: String) -> ConversionError {
        .malformedInput(path: path, location: "ZIP entry '\(entry.name)'", reason: reason,
                        fix: "save the workbook again from Excel, or copy or download it again")
    }

    static func bomb(_ path: String, _ entry: ZipEntry, _ limits: ZipLimits, _ detail: String) -> ConversionError {
        .malformedInput(path: path, location: "ZIP entry '\(entry.name)'",
                        reason: "it \(detail), more than \(limits.maxCompressionRatio):1, which is how ZIP bombs look and not how Excel writes workbooks",
                        fix: "pyforge refuses such files; if the workbook is genuine, save it again from Excel")
    }

    static func tooBig(_ path: String, _ limits: ZipLimits) -> ConversionError {
        .malformedInput(path: path, location: "its ZIP container",
                        reason: "its parts inflate to more than \(limits.maxTotalUncompressed >> 20) MiB in total, the limit for one workbook",
                        fix: "split the workbook into smaller ones, or export the sheets as CSV")
    }
}
