/// The text encodings pyforge reads; everything is transcoded to UTF-8 before parsing.
public enum TextEncoding: String, Sendable, CaseIterable, Codable {
    case utf8 = "utf-8"
    case utf8WithBOM = "utf-8-sig"
    case utf16LE = "utf-16-le"
    case utf16BE = "utf-16-be"
    case windows1252 = "windows-1252"
    case latin1 = "iso-8859-1"
    /// UTF-8 whose invalid bytes each become U+FFFD, only when the user asks for it.
    case utf8Replacing = "utf-8-replace"

    /// Accepts the names Python and iconv users type (`cp1252`, `latin-1`, `utf8`…).
    public init?(name: String) {
        let key = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        switch key {
        case "utf-8", "utf8", "ascii", "us-ascii": self = .utf8
        case "utf-8-sig", "utf8-sig": self = .utf8WithBOM
        case "utf-8-replace", "utf8-replace": self = .utf8Replacing
        case "utf-16", "utf16", "utf-16-le", "utf-16le", "utf16le": self = .utf16LE
        case "utf-16-be", "utf-16be", "utf16be": self = .utf16BE
        case "windows-1252", "cp1252", "win1252": self = .windows1252
        case "iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1": self = .latin1
        default: return nil
        }
    }

    public static let acceptedNames = "utf-8, utf-8-sig, utf-16, utf-16-le, utf-16-be, windows-1252 (cp1252), latin-1, utf-8-replace"

    /// The byte-order mark this encoding may start with.
    var byteOrderMark: [UInt8] {
        switch self {
        case .utf8, .utf8WithBOM, .utf8Replacing: return [0xEF, 0xBB, 0xBF]
        case .utf16LE: return [0xFF, 0xFE]
        case .utf16BE: return [0xFE, 0xFF]
        case .windows1252, .latin1: return []
        }
    }

    /// Detects the encoding from a file's first bytes: a BOM decides; otherwise valid
    /// UTF-8 is UTF-8 and anything else is Windows-1252 (a superset of Latin-1's printable range).
    /// UTF-8 text (a multi-byte character) before the first invalid byte means UTF-8 too:
    /// the reader then reports that byte rather than turning "café" into "cafÃ©".
    public static func detect(_ prefix: UnsafeRawBufferPointer, isWholeFile: Bool) -> TextEncoding {
        let bytes = Array(prefix.prefix(3))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8WithBOM }
        if bytes.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if bytes.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        var sawUTF8Text = false
        let valid = UTF8Validation.validPrefixLength(prefix, nonASCII: &sawUTF8Text)
        // A multi-byte character may be cut at the end of the sample.
        if valid == prefix.count || (!isWholeFile && prefix.count - valid < 4) || sawUTF8Text { return .utf8 }
        return .windows1252
    }
}

public enum UTF8Validation {
    /// Length of the longest valid UTF-8 prefix of `bytes`.
    public static func validPrefixLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        var nonASCII = false
        return validPrefixLength(bytes, nonASCII: &nonASCII)
    }

    /// Also sets `nonASCII` when the valid prefix holds a multi-byte character: text that
    /// proves the file is UTF-8, not ASCII that any of the 8-bit encodings would read alike.
    public static func validPrefixLength(_ bytes: UnsafeRawBufferPointer, nonASCII: inout Bool) -> Int {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        let n = bytes.count
        var i = 0
        while i < n {
            // Skip ASCII 32 bytes at a time, then 8.
            if i + 32 <= n {
                let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD32<UInt8>.self)
                if !any(block .>= SIMD32<UInt8>(repeating: 0x80)) {
                    i += 32
                    continue
                }
            }
            if i + 8 <= n && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = base[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var minimum: UInt32 = 0
            var scalar: UInt32 = 0
            if b & 0xE0 == 0xC0 { need = 1; scalar = UInt32(b & 0x1F); minimum = 0x80 }
            else if b & 0xF0 == 0xE0 { need = 2; scalar = UInt32(b & 0x0F); minimum = 0x800 }
            else if b & 0xF8 == 0xF0 { need = 3; scalar = UInt32(b & 0x07); minimum = 0x10000 }
            else { return i }
            guard i + need < n else { return i }
            for k in 1...need {
                let c = base[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return i }
            nonASCII = true
            i += need + 1
        }
        return n
    }
}
