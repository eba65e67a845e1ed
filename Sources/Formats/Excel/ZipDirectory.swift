import Platform
import FormatKit

/// One file inside a ZIP archive, as its central directory describes it.
struct ZipEntry: Sendable {
    var name: String
    var method: UInt16
    var flags: UInt16
    var crc: UInt32
    var compressedSize: Int64
    var uncompressedSize: Int64
    var localHeaderOffset: Int64
}

/// The central directory of a ZIP file (ZIP64 included), read without extracting anything.
/// Written here rather than taken from a ZIP package because the Excel reader pulls
/// inflated bytes on demand (`ZipEntryReader`), which needs the raw data offsets.
struct ZipDirectory {
    let path: String
    let entries: [String: ZipEntry]
    let order: [String]

    init(file: InputFile) throws(ConversionError) {
        path = file.path
        let path = file.path
        func corrupt(_ reason: String) -> ConversionError {
            .malformedInput(path: path, location: "its ZIP container", reason: reason,
                            fix: "save the workbook again from Excel (File > Save As > .xlsx), or check that the download completed")
        }
        let size = file.size
        guard size > 0 else { throw corrupt("the file is empty") }
        if size >= 8, try Self.read(file, at: 0, count: 8) == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            // An OLE2 compound file: a legacy .xls, or an .xlsx that Excel encrypted with a password.
            throw .unsupportedFormat(path: path, detail: "it is an old binary .xls workbook or a password-protected one; open it in Excel and save it as an unprotected .xlsx")
        }
        guard size >= 22 else { throw corrupt("the file is too short to be a ZIP archive (an .xlsx file is a ZIP archive)") }
        let tailLength = Int(Swift.min(size, 65_557))
        let tail = try Self.read(file, at: size - Int64(tailLength), count: tailLength)
        var eocd = -1
        var k = tailLength - 22
        while k >= 0 {
            if tail[k] == 0x50 && tail[k + 1] == 0x4B && tail[k + 2] == 0x05 && tail[k + 3] == 0x06 { eocd = k; break }
            k -= 1
        }
        guard eocd >= 0 else {
            if tail.count >= 4 && Self.u32(tail, 0) == 0x0403_4B50 || (try? Self.read(file, at: 0, count: 4)).map({ Self.u32($0, 0) == 0x0403_4B50 }) == true {
                throw corrupt("the end of the ZIP archive is missing (the file is truncated)")
            }
            throw corrupt("it is not a ZIP archive (an .xlsx file is a ZIP archive; an old binary .xls or a renamed file is not)")
        }
        var count = Int64(Self.u16(tail, eocd + 10))
        var directorySize = Int64(Self.u32(tail, eocd + 12))
        var directoryOffset = Int64(Self.u32(tail, eocd + 16))
        if (count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF) && eocd >= 20
            && Self.u32(tail, eocd - 20) == 0x0706_4B50
        {
            let zip64Offset = Int64(bitPattern: Self.u64(tail, eocd - 20 + 8))
            guard zip64Offset >= 0, zip64Offset <= size - 56 else { throw corrupt("its ZIP64 directory record points outside the file") }
            let record = try Self.read(file, at: zip64Offset, count: 56)
            guard Self.u32(record, 0) == 0x0606_4B50 else { throw corrupt("its ZIP64 directory record is damaged") }
            count = Int64(bitPattern: Self.u64(record, 32))
            directorySize = Int64(bitPattern: Self.u64(record, 40))
            directoryOffset = Int64(bitPattern: Self.u64(record, 48))
        }
        // Compared by subtraction: offsets read from the file may be near Int64.max.
        guard count >= 0 else { throw corrupt("its ZIP64 directory record gives a negative entry count") }
        guard directoryOffset >= 0, directorySize >= 0, directorySize <= size, directoryOffset <= size - directorySize,
            directorySize < 1 << 30
        else {
            throw corrupt("its central directory lies outside the file (the file is truncated)")
        }
        let directory = try Self.read(file, at: directoryOffset, count: Int(directorySize))
        var entries: [String: ZipEntry] = [:]
        var order: [String] = []
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= directory.count, Self.u32(directory, p) == 0x0201_4B50 else {
                throw corrupt("its central directory is damaged")
            }
            let nameLength = Int(Self.u16(directory, p + 28)), extraLength = Int(Self.u16(directory, p + 30))
            let commentLength = Int(Self.u16(directory, p + 32))
            guard p + 46 + nameLength + extraLength + commentLength <= directory.count else { throw corrupt("its central directory is damaged") }
            var entry = ZipEntry(
                name: String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
                method: Self.u16(directory, p + 10), flags: Self.u16(directory, p + 8), crc: Self.u32(directory, p + 16),
                compressedSize: Int64(Self.u32(directory, p + 20)), uncompressedSize: Int64(Self.u32(directory, p + 24)),
                localHeaderOffset: Int64(Self.u32(directory, p + 42)))
            // ZIP64 extra field: the 64-bit values of the fields that hold 0xFFFFFFFF, in order.
            var x = p + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let id = Self.u16(directory, x), length = Int(Self.u16(directory, x + 2))
                if id == 1 {
                    var q = x + 4
                    if entry.uncompressedSize == 0xFFFF_FFFF && q + 8 <= extraEnd { entry.uncompressedSize = Int64(bitPattern: Self.u64(directory, q)); q += 8 }
                    if entry.compressedSize == 0xFFFF_FFFF && q + 8 <= extraEnd { entry.compressedSize = Int64(bitPattern: Self.u64(directory, q)); q += 8 }
                    if entry.localHeaderOffset == 0xFFFF_FFFF && q + 8 <= extraEnd { entry.localHeaderOffset = Int64(bitPattern: Self.u64(directory, q)) }
                }
                x += 4 + length
            }
            p += 46 + nameLength + extraLength + commentLength
            guard entry.compressedSize >= 0, entry.uncompressedSize >= 0, entry.localHeaderOffset >= 0,
                entry.compressedSize <= size, entry.localHeaderOffset <= size - entry.compressedSize
            else { throw corrupt("the entry '\(entry.name)' lies outside the file (the file is truncated)") }
            // Readers disagree on which of two same-named entries counts (the first, the
            // last): a workbook that holds one part twice is damaged or made to mislead.
            guard entries[entry.name] == nil else {
                throw corrupt("it holds the entry '\(entry.name)' twice, and a workbook holds each part once (the file is damaged, or was made so that programs read different contents)")
            }
            order.append(entry.name)
            entries[entry.name] = entry
        }
        self.entries = entries
        self.order = order
    }

    static func read(_ file: InputFile, at offset: Int64, count: Int) throws(ConversionError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: file.path, reason: systemMessage(errno))
            }
            if n == 0 {
                throw .malformedInput(path: file.path, location: "byte \(offset + Int64(done))", reason: "the file ends early (it is truncated)",
                                      fix: "copy or download the workbook again")
            }
            done += n
        }
        return bytes
    }

    @inline(__always) static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    @inline(__always) static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    @inline(__always) static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }
}
