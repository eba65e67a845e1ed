import Columnar
import FormatKit

/// The text encodings of dBase files: single-byte code pages chosen by the header's
/// language driver byte (or `--encoding`), and UTF-8 for files written that way.
public enum CodePage: String, Sendable, CaseIterable, Codable {
    // Same order as `upperHalves` (scripts/generate-code-pages.py); UTF-8 last.
    case cp437, cp737, cp850, cp852, cp857, cp860, cp861, cp863, cp865, cp866, cp874
    case cp1250, cp1251, cp1252, cp1253, cp1254, cp1255, cp1256, cp1257
    case macRoman = "mac_roman", macCyrillic = "mac_cyrillic", macGreek = "mac_greek", macLatin2 = "mac_latin2"
    case utf8 = "utf-8"

    /// Accepts `cp866`, `866`, `windows-1251`, `ibm850`, `dos-866`, `latin-1`, `utf8`…
    public init?(name: String) {
        var key = name.lowercased().replacingDashes()
        for prefix in ["windows", "win", "ibm", "dos", "cp"] where key.hasPrefix(prefix) && key.count > prefix.count {
            key = "cp" + key.dropFirst(prefix.count).drop(while: { $0 == "_" })
            break
        }
        if key.allSatisfy(\.isNumber) { key = "cp" + key }
        switch key {
        case "utf_8", "utf8", "ascii", "us_ascii": self = .utf8
        case "latin_1", "latin1", "iso_8859_1", "iso8859_1", "cp819": self = .cp1252
        case "macroman", "mac": self = .macRoman
        default:
            guard let page = CodePage(rawValue: key) else { return nil }
            self = page
        }
    }

    public static let acceptedNames = "cp437, cp850, cp852, cp866, cp1250, cp1251, cp1252 … cp1257, mac_roman, utf-8"

    /// The code page a header's language driver byte names (dBase/FoxPro tables), nil for 0 or unknown.
    public static func forLanguageDriver(_ id: UInt8) -> CodePage? {
        switch id {
        case 0x01, 0x09, 0x0B, 0x0D, 0x0F, 0x11, 0x15, 0x18, 0x19, 0x1B: return .cp437
        case 0x02, 0x0A, 0x0E, 0x10, 0x12, 0x14, 0x16, 0x1A, 0x1D, 0x25, 0x37: return .cp850
        case 0x03, 0x57, 0x58, 0x59: return .cp1252
        case 0x04: return .macRoman
        case 0x08, 0x17, 0x66: return .cp865
        case 0x1C, 0x6C: return .cp863
        case 0x1F, 0x22, 0x23, 0x40, 0x64, 0x87: return .cp852
        case 0x24: return .cp860
        case 0x26, 0x65: return .cp866
        case 0x67: return .cp861
        case 0x6A, 0x86: return .cp737
        case 0x6B, 0x88: return .cp857
        case 0x50, 0x7C: return .cp874
        case 0x7D: return .cp1255
        case 0x7E: return .cp1256
        case 0x96: return .macCyrillic
        case 0x97: return .macLatin2
        case 0x98: return .macGreek
        case 0xC8: return .cp1250
        case 0xC9: return .cp1251
        case 0xCA: return .cp1254
        case 0xCB: return .cp1253
        case 0xCC: return .cp1257
        default: return nil
        }
    }

    /// Scalars for bytes 0x80-0xFF; nil for UTF-8.
    var upperHalf: [UInt16]? {
        guard self != .utf8, let index = CodePage.allCases.firstIndex(of: self) else { return nil }
        return CodePage.upperHalves[index]
    }

    /// Text for names and messages.
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        var out = ByteArrays()
        CodePageDecoder(self).append(bytes, to: &out)
        return out.string(at: 0)
    }
}

/// Transcodes code page bytes to UTF-8 straight into a column's byte arrays.
struct CodePageDecoder {
    private let table: [UInt16]?

    init(_ page: CodePage) {
        table = page.upperHalf
    }

    func append(_ bytes: UnsafeRawBufferPointer, to out: inout ByteArrays) {
        guard let table else {
            // UTF-8: invalid sequences are repaired so every value is valid text.
            if UTF8Validation.validPrefixLength(bytes) == bytes.count {
                out.append(bytes)
            } else {
                out.append(String(decoding: bytes, as: UTF8.self))
            }
            return
        }
        for byte in bytes {
            if byte < 0x80 {
                out.data.append(byte)
                continue
            }
            let scalar = table[Int(byte) - 0x80]
            if scalar < 0x800 {
                out.data.append(UInt8(0xC0 | (scalar >> 6)))
                out.data.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                out.data.append(UInt8(0xE0 | (scalar >> 12)))
                out.data.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                out.data.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
        out.endValue()
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" || $0 == " " ? "_" : $0 })
    }
}
