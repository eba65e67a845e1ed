import Platform
import Parquet
import SystemZlib
import FormatKit
import Delta

/// Writes a ZIP archive of deflated entries, streaming, byte for byte reproducible (a
/// fixed entry date, no extra fields): enough for the sample workbook. Sizes and CRC go
/// in a data descriptor after each entry, so entries never have to be held in memory.
/// Archives and entries must stay under 4 GiB (no ZIP64).
final class ZipWriter {
    private let sink: FileDescriptorSink
    private let path: String
    private var central: [UInt8] = []
    private var entries = 0
    /// 2024-01-01 00:00 in MS-DOS form.
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = UInt16((2024 - 1980) << 9 | 1 << 5 | 1)

    init(fileDescriptor: Int32, path: String) {
        sink = FileDescriptorSink(fileDescriptor: fileDescriptor, path: path)
        self.path = path
    }

    /// Adds an entry whose bytes come from `produce`, called until it returns an empty chunk.
    func add(_ name: String, _ produce: () throws(ConversionError) -> [UInt8]) throws(ConversionError) {
        let offset = UInt32(truncatingIfNeeded: sink.position)
        let nameBytes = Array(name.utf8)
        var header: [UInt8] = []
        header.appendLE32(0x0403_4B50)
        header.appendLE16(20)          // version needed
        header.appendLE16(0x0008)      // sizes in the data descriptor
        header.appendLE16(8)           // deflate
        header.appendLE16(Self.dosTime)
        header.appendLE16(Self.dosDate)
        header.appendLE32(0); header.appendLE32(0); header.appendLE32(0)
        header.appendLE16(UInt16(nameBytes.count))
        header.appendLE16(0)
        header += nameBytes
        try write(header)

        var stream = z_stream()
        guard deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .outputFailed(path: path, reason: "zlib could not start deflating")
        }
        defer { deflateEnd(&stream) }
        var crc: UInt = crc32(0, nil, 0)
        var compressed: UInt64 = 0
        var uncompressed: UInt64 = 0
        var out = [UInt8](repeating: 0, count: 1 << 18)
        var finished = false
        while !finished {
            var chunk = try produce()
            finished = chunk.isEmpty
            uncompressed += UInt64(chunk.count)
            crc = chunk.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
            var status: Int32 = Z_OK
            try chunk.withMutableBytes { input throws(ConversionError) in
                stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(input.count)
                repeat {
                    let produced = out.withUnsafeMutableBytes { buffer -> Int in
                        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                        stream.avail_out = uInt(buffer.count)
                        status = deflate(&stream, finished ? Z_FINISH : Z_NO_FLUSH)
                        return buffer.count - Int(stream.avail_out)
                    }
                    compressed += UInt64(produced)
                    try write(Array(out[0..<produced]))
                } while stream.avail_out == 0 || (finished && status != Z_STREAM_END)
            }
        }
        guard compressed < UInt64(UInt32.max), uncompressed < UInt64(UInt32.max) else {
            throw .outputFailed(path: path, reason: "the entry \(name) is over 4 GiB, more than a ZIP without ZIP64 holds")
        }
        var descriptor: [UInt8] = []
        descriptor.appendLE32(0x0807_4B50)
        descriptor.appendLE32(UInt32(crc))
        descriptor.appendLE32(UInt32(compressed))
        descriptor.appendLE32(UInt32(uncompressed))
        try write(descriptor)

        central.appendLE32(0x0201_4B50)
        central.appendLE16(20); central.appendLE16(20); central.appendLE16(0x0008); central.appendLE16(8)
        central.appendLE16(Self.dosTime); central.appendLE16(Self.dosDate)
        central.appendLE32(UInt32(crc)); central.appendLE32(UInt32(compressed)); central.appendLE32(UInt32(uncompressed))
        central.appendLE16(UInt16(nameBytes.count)); central.appendLE16(0); central.appendLE16(0)
        central.appendLE16(0); central.appendLE16(0)
        central.appendLE32(UInt32(0o100644) << 16)
        central.appendLE32(offset)
        central += nameBytes
        entries += 1
    }

    /// Writes the central directory and flushes.
    func finish() throws(ConversionError) {
        let start = UInt32(truncatingIfNeeded: sink.position)
        try write(central)
        var end: [UInt8] = []
        end.appendLE32(0x0605_4B50)
        end.appendLE16(0); end.appendLE16(0)
        end.appendLE16(UInt16(entries)); end.appendLE16(UInt16(entries))
        end.appendLE32(UInt32(central.count))
        end.appendLE32(start)
        end.appendLE16(0)
        try write(end)
        do { try sink.flush() } catch { throw ConversionError(error, output: path) }
    }

    private func write(_ bytes: [UInt8]) throws(ConversionError) {
        do {
            try bytes.withBytes { raw throws(ParquetError) in try sink.write(raw) }
        } catch {
            throw ConversionError(error, output: path)
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value)); append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendLE32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
