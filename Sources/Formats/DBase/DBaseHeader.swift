import FormatKit
/// The fixed header and field descriptors at the start of a .dbf file.
public struct DBaseHeader: Sendable, Equatable {
    public var version: UInt8
    /// Last update as written; nil when the bytes are not a date.
    public var lastUpdate: (year: Int, month: Int, day: Int)?
    public var recordCount: Int
    public var headerLength: Int
    public var recordLength: Int
    public var tableFlags: UInt8
    public var languageDriver: UInt8
    public var fields: [DBaseField]

    public static func == (a: DBaseHeader, b: DBaseHeader) -> Bool {
        a.version == b.version && a.lastUpdateText == b.lastUpdateText && a.recordCount == b.recordCount
            && a.headerLength == b.headerLength && a.recordLength == b.recordLength && a.tableFlags == b.tableFlags
            && a.languageDriver == b.languageDriver && a.fields == b.fields
    }

    public var isVisualFoxPro: Bool { version == 0x30 || version == 0x31 || version == 0x32 }

    /// True when field values may point into a memo file (.dbt or .fpt).
    public var usesMemo: Bool { fields.contains { $0.isMemo(visualFoxPro: isVisualFoxPro) } }

    /// Visual FoxPro and FoxPro 2 keep memos in .fpt files; dBase in .dbt.
    public var memoExtension: String { isVisualFoxPro || version == 0xF5 || version == 0xFB ? "fpt" : "dbt" }

    public var versionName: String {
        switch version {
        case 0x02, 0xFB: return "FoxBASE"
        case 0x03: return "dBase III"
        case 0x83: return "dBase III with memo"
        case 0x04: return "dBase IV"
        case 0x05: return "dBase 5"
        case 0x7B, 0x8B: return "dBase IV with memo"
        case 0x43, 0x63, 0x8E, 0xCB: return "dBase IV SQL table"
        case 0xF5: return "FoxPro 2.x with memo"
        case 0xE5: return "HiPer-Six with memo"
        case 0x30: return "Visual FoxPro"
        case 0x31: return "Visual FoxPro (autoincrement)"
        case 0x32: return "Visual FoxPro (varchar)"
        default: return "unknown (0x\(String(version, radix: 16)))"
        }
    }

    public var lastUpdateText: String? {
        guard let date = lastUpdate else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(date.year)-\(pad(date.month))-\(pad(date.day))"
    }

    static let knownVersions: Set<UInt8> = [0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x7B, 0x83, 0x8B, 0x8E, 0xCB, 0xE5, 0xF5, 0xFB]

    /// The year byte counts from 1900 (dBase stores 125 for 2025). Writers that store the
    /// year modulo 100 give values below 80, which cannot be 1900-1979 (before dBase):
    /// those are 2000-2079.
    static func year(fromByte byte: UInt8) -> Int {
        let year = 1900 + Int(byte)
        return year < 1980 ? year + 100 : year
    }

    /// Parses `bytes` (at least the whole header) of the file at `path`, `fileSize` bytes long.
    public static func parse(_ bytes: [UInt8], path: String, fileSize: Int64, names: CodePage) throws(ConversionError) -> DBaseHeader {
        func malformed(_ location: String, _ reason: String, _ fix: String = "check that this is a complete dBase (.dbf) file; if it was copied or downloaded, copy it again") -> ConversionError {
            .malformedInput(path: path, location: location, reason: reason, fix: fix)
        }
        if fileSize == 0 {
            throw malformed("byte 0", "the file is empty (0 bytes), so it holds no dBase table", "convert the complete file; a dBase table starts with a 32-byte header")
        }
        guard bytes.count >= 32 else {
            throw malformed("byte \(bytes.count)", "the file ends after \(bytes.count) bytes, inside the 32-byte dBase header")
        }
        let version = bytes[0]
        guard knownVersions.contains(version) else {
            throw malformed("byte 0", "the version byte is 0x\(String(version, radix: 16, uppercase: true)), which is not a dBase, FoxPro or Visual FoxPro table", "check that the file is a .dbf table (dBase 7 tables are not supported; save them as dBase IV or 5)")
        }
        func le16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let recordCount = le16(4) | le16(6) << 16
        let headerLength = le16(8)
        let recordLength = le16(10)
        guard headerLength >= 33, Int64(headerLength) <= fileSize else {
            throw malformed("byte 8", "the header claims to be \(headerLength) bytes long but the file has \(fileSize) bytes")
        }
        guard bytes.count >= headerLength else {
            throw malformed("byte \(bytes.count)", "the file ends inside its \(headerLength)-byte header")
        }
        guard recordLength >= 1 else { throw malformed("byte 10", "the record length is 0") }
        var date: (Int, Int, Int)? = (year(fromByte: bytes[1]), Int(bytes[2]), Int(bytes[3]))
        if !(1...12).contains(bytes[2]) || !(1...31).contains(bytes[3]) { date = nil }

        var fields: [DBaseField] = []
        var position = 32
        var offset = 1
        while position + 32 <= headerLength, bytes[position] != 0x0D {
            let nameBytes = bytes[position..<position + 11].prefix { $0 != 0 }
            let name = nameBytes.withUnsafeBytes { names.string($0) }.trimmingTrailingSpaces()
            let type = Character(Unicode.Scalar(bytes[position + 11]))
            var length = Int(bytes[position + 16])
            var decimals = Int(bytes[position + 17])
            if type == "C" && version != 0x30 && version != 0x31 && version != 0x32 && decimals > 0 {
                // Clipper and FoxPro store character widths above 255 in the decimals byte.
                length |= decimals << 8
                decimals = 0
            }
            // Binary fields are read at their natural width whatever the descriptor says, so a
            // narrower one would read past its record (past the buffer, for the last record).
            let binaryWidth: Int? = switch type {
            case "T", "@", "Y": 8
            case "B" where version == 0x30 || version == 0x31 || version == 0x32: 8
            case "I": 4
            case "L": 1
            default: nil
            }
            if let binaryWidth, length < binaryWidth {
                throw malformed("byte \(position + 16)", "field '\(name)' of type \(type) is declared \(length) bytes wide, but its values take \(binaryWidth) bytes")
            }
            fields.append(DBaseField(name: name, type: type, offset: offset, length: length, decimals: decimals, flags: bytes[position + 18]))
            offset += length
            position += 32
        }
        guard position < headerLength, bytes[position] == 0x0D else {
            throw malformed("byte \(position)", "the field descriptors are not ended by the 0x0D terminator within the \(headerLength)-byte header")
        }
        guard !fields.isEmpty else { throw malformed("byte 32", "the table declares no fields") }
        guard offset <= recordLength else {
            throw malformed("byte 10", "the fields take \(offset) bytes but each record is \(recordLength) bytes")
        }
        let needed = Int64(headerLength) + Int64(recordCount) * Int64(recordLength)
        if fileSize < needed {
            let complete = (fileSize - Int64(headerLength)) / Int64(recordLength)
            throw malformed(
                "byte \(fileSize)", "the file is truncated: its header promises \(recordCount) records (\(needed) bytes) but it holds \(complete) complete records (\(fileSize) bytes)",
                "copy the complete file again; pyforge does not convert a partial table")
        }
        return DBaseHeader(
            version: version, lastUpdate: date, recordCount: recordCount, headerLength: headerLength,
            recordLength: recordLength, tableFlags: bytes[28], languageDriver: bytes[29], fields: fields)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\0" { text.removeLast() }
        while let first = text.first, first == " " { text.removeFirst() }
        return String(text)
    }
}
