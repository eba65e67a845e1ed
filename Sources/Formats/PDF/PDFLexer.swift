/// A keyword (`obj`, `endstream`, a content operator such as `Tj`), packed for quick
/// comparison: its first 8 bytes and its length.
public struct PDFKeyword: Hashable, Sendable, CustomStringConvertible {
    let packed: UInt64
    let length: Int

    init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        var value: UInt64 = 0
        for i in start..<min(end, start + 8) { value = value << 8 | UInt64(bytes[i]) }
        packed = value
        length = end - start
    }

    public init(_ text: StaticString) {
        var value: UInt64 = 0
        let count = text.utf8CodeUnitCount
        text.withUTF8Buffer { b in for i in 0..<min(count, 8) { value = value << 8 | UInt64(b[i]) } }
        packed = value
        length = count
    }

    public var description: String {
        var bytes: [UInt8] = []
        var v = packed
        for _ in 0..<min(length, 8) { bytes.insert(UInt8(v & 0xFF), at: 0); v >>= 8 }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let obj = PDFKeyword("obj"), endobj = PDFKeyword("endobj"), stream = PDFKeyword("stream")
    static let endstream = PDFKeyword("endstream"), r = PDFKeyword("R"), xref = PDFKeyword("xref")
    static let trailer = PDFKeyword("trailer"), startxref = PDFKeyword("startxref")
    static let trueValue = PDFKeyword("true"), falseValue = PDFKeyword("false"), null = PDFKeyword("null")
}

/// One lexical token (PDF 32000-1 §7.2).
public enum PDFToken: Equatable, Sendable {
    case int(Int)
    case real(Double)
    case name(String)
    case string([UInt8])
    case keyword(PDFKeyword)
    case arrayOpen, arrayClose, dictionaryOpen, dictionaryClose
    case eof
}

/// Character classes of PDF syntax.
enum PDFCharacter {
    static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x0C || c == 0x00
    }

    static func isDelimiter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            return true
        default: return false
        }
    }

    static func isRegular(_ c: UInt8) -> Bool { !isWhitespace(c) && !isDelimiter(c) }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Splits PDF bytes into tokens. Works on a borrowed buffer: keep the owner alive while lexing.
public struct PDFLexer {
    public let bytes: UnsafeBufferPointer<UInt8>
    public var position: Int

    public init(bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var atEnd: Bool { position >= bytes.count }

    /// Skips whitespace and comments.
    public mutating func skipWhitespace() {
        while position < bytes.count {
            let c = bytes[position]
            if PDFCharacter.isWhitespace(c) {
                position += 1
            } else if c == UInt8(ascii: "%") {
                while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    public mutating func next() throws(PDFError) -> PDFToken {
        skipWhitespace()
        guard position < bytes.count else { return .eof }
        let c = bytes[position]
        switch c {
        case UInt8(ascii: "["): position += 1; return .arrayOpen
        case UInt8(ascii: "]"): position += 1; return .arrayClose
        case UInt8(ascii: "{"), UInt8(ascii: "}"):
            // PostScript calculator braces (Type 4 functions): not used for text.
            position += 1
            return .keyword(PDFKeyword(bytes: bytes, start: position - 1, end: position))
        case UInt8(ascii: "<"):
            if position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "<") {
                position += 2
                return .dictionaryOpen
            }
            return .string(hexString())
        case UInt8(ascii: ">"):
            if position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: ">") {
                position += 2
                return .dictionaryClose
            }
            position += 1
            throw .malformed(location: "byte \(position - 1)", reason: "a '>' stands alone")
        case UInt8(ascii: "("): return .string(try literalString())
        case UInt8(ascii: ")"):
            position += 1
            throw .malformed(location: "byte \(position - 1)", reason: "a ')' closes no string")
        case UInt8(ascii: "/"): return .name(name())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            if let number = number() { return number }
            fallthrough
        default:
            let start = position
            while position < bytes.count && PDFCharacter.isRegular(bytes[position]) { position += 1 }
            if position == start { position += 1 }
            return .keyword(PDFKeyword(bytes: bytes, start: start, end: position))
        }
    }

    /// An integer or real; nil (position unchanged) when the bytes are not a number.
    mutating func number() -> PDFToken? {
        let start = position
        var i = position
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var integer = 0
        var digits = 0
        var overflow = false
        while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
            let (m, o1) = integer.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - 0x30))
            overflow = overflow || o1 || o2
            integer = a
            digits += 1
            i += 1
        }
        var isReal = false
        var fraction = 0.0
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            isReal = true
            i += 1
            var scale = 0.1
            while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                fraction += Double(bytes[i] - 0x30) * scale
                scale /= 10
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else {
            position = start
            return nil
        }
        // A stray second sign or dot ("--5", "1.2.3") ends the number; the rest is skipped.
        while i < bytes.count && (bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
        position = i
        if isReal || overflow {
            let value = (overflow ? Double.greatestFiniteMagnitude : Double(integer)) + fraction
            return .real(negative ? -value : value)
        }
        return .int(negative ? -integer : integer)
    }

    mutating func name() -> String {
        position += 1  // '/'
        var out: [UInt8] = []
        while position < bytes.count && PDFCharacter.isRegular(bytes[position]) {
            let c = bytes[position]
            if c == UInt8(ascii: "#"), position + 2 < bytes.count,
               let h = PDFCharacter.hexValue(bytes[position + 1]), let l = PDFCharacter.hexValue(bytes[position + 2]) {
                out.append(h << 4 | l)
                position += 3
            } else {
                out.append(c)
                position += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hexString() -> [UInt8] {
        position += 1  // '<'
        var out: [UInt8] = []
        var high: UInt8? = nil
        while position < bytes.count {
            let c = bytes[position]
            position += 1
            if c == UInt8(ascii: ">") { break }
            guard let v = PDFCharacter.hexValue(c) else { continue }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        if let h = high { out.append(h << 4) }
        return out
    }

    mutating func literalString() throws(PDFError) -> [UInt8] {
        let start = position
        position += 1  // '('
        var out: [UInt8] = []
        var depth = 1
        while position < bytes.count {
            let c = bytes[position]
            position += 1
            switch c {
            case UInt8(ascii: "("):
                depth += 1
                out.append(c)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return out }
                out.append(c)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case 0x0D:  // line continuation
                    if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                case 0x0A: break
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(e - 0x30)
                    var n = 1
                    while n < 3, position < bytes.count, bytes[position] >= 0x30 && bytes[position] <= 0x37 {
                        value = value * 8 + Int(bytes[position] - 0x30)
                        position += 1
                        n += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: value))
                default: out.append(e)  // \( \) \\ and unknown escapes: the character itself
                }
            case 0x0D:  // an end of line in a string is a line feed
                if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                out.append(0x0A)
            default:
                out.append(c)
            }
        }
        throw .malformed(location: "byte \(start)", reason: "a string starting here is never closed")
    }
}
