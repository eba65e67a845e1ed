/// A CMap (§9.7.5, §9.10.3): codespace ranges that split a string into codes, and for
/// a ToUnicode CMap the text of each code (`bfchar`, `bfrange` in both forms).
public struct PDFCMap: Sendable {
    struct Codespace: Sendable {
        var length: Int
        var low: UInt32
        var high: UInt32
    }

    struct Range: Sendable {
        var length: Int
        var low: UInt32
        var high: UInt32
        var start: [Unicode.Scalar]
    }

    var codespaces: [Codespace] = []
    var single: [UInt64: [Unicode.Scalar]] = [:]
    var ranges: [Range] = []

    /// Most codes one `bfrange` array form or the CMap as a whole may list.
    static let maxEntries = 1 << 20

    public init() {}

    /// Two-byte codes for every value (`Identity-H`, `Identity-V`).
    public static var identity: PDFCMap {
        var map = PDFCMap()
        map.codespaces = [Codespace(length: 2, low: 0, high: 0xFFFF)]
        return map
    }

    public var isEmpty: Bool { single.isEmpty && ranges.isEmpty }

    /// The text for a code of `length` bytes.
    public func text(for code: UInt32, length: Int) -> [Unicode.Scalar]? {
        if let t = single[UInt64(length) << 32 | UInt64(code)] { return t }
        for range in ranges where range.length == length && code >= range.low && code <= range.high {
            var t = range.start
            // In 64 bits: a range over four-byte codes may start near U+10FFFF and span 2^32 codes.
            if let last = t.last {
                let value = UInt64(last.value) + UInt64(code - range.low)
                guard value <= 0x10FFFF, let next = Unicode.Scalar(UInt32(value)) else { return nil }
                t[t.count - 1] = next
            }
            return t
        }
        return nil
    }

    /// The code starting at `i` and its length in bytes, by the codespace ranges (one byte
    /// when there are none; the shortest length that could match when none matches).
    public func code(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (code: UInt32, length: Int) {
        guard !codespaces.isEmpty else { return (UInt32(bytes[i]), 1) }
        var value: UInt32 = 0
        for length in 1...4 where i + length <= bytes.count {
            value = value << 8 | UInt32(bytes[i + length - 1])
            for space in codespaces where space.length == length && value >= space.low && value <= space.high {
                return (value, length)
            }
        }
        let length = min(codespaces.map(\.length).min() ?? 1, bytes.count - i)
        var code: UInt32 = 0
        for k in 0..<length { code = code << 8 | UInt32(bytes[i + k]) }
        return (code, length)
    }

    /// Parses a CMap's text (its stream, decoded).
    public static func parse(_ data: [UInt8]) throws(PDFError) -> PDFCMap {
        var map = PDFCMap()
        try data.withUnsafeBufferPointer { buffer throws(PDFError) in
            var parser = PDFObjectParser(bytes: buffer)
            var count = 0
            while true {
                let token = try parser.lexer.next()
                guard case .keyword(let k) = token else {
                    if token == .eof { return }
                    continue
                }
                switch k {
                case PDFKeyword("begincodespacerange"):
                    while case .string(let low) = try parser.lexer.next(), case .string(let high) = try parser.lexer.next() {
                        if (1...4).contains(low.count) {
                            map.codespaces.append(Codespace(length: low.count, low: value(low), high: value(high)))
                        }
                    }
                case PDFKeyword("beginbfchar"):
                    while case .string(let source) = try parser.lexer.next() {
                        let target = try parser.parseObject()
                        count += 1
                        guard count <= maxEntries, (1...4).contains(source.count), let text = Self.text(target) else { continue }
                        map.single[UInt64(source.count) << 32 | UInt64(value(source))] = text
                    }
                case PDFKeyword("beginbfrange"):
                    while case .string(let low) = try parser.lexer.next(), case .string(let high) = try parser.lexer.next() {
                        let target = try parser.parseObject()
                        guard (1...4).contains(low.count) else { continue }
                        let (from, to) = (value(low), value(high))
                        guard from <= to else { continue }
                        if case .array(let items) = target {
                            // to - from + 1 is computed as Int: a range <00000000> <FFFFFFFF> has 2^32 codes.
                            for (i, item) in items.prefix(min(Int(to - from) + 1, 65_536)).enumerated() {
                                count += 1
                                if count <= maxEntries, let text = Self.text(item) {
                                    map.single[UInt64(low.count) << 32 | UInt64(from + UInt32(i))] = text
                                }
                            }
                        } else if let text = Self.text(target) {
                            count += 1
                            if count <= maxEntries { map.ranges.append(Range(length: low.count, low: from, high: to, start: text)) }
                        }
                    }
                default: continue
                }
            }
        }
        return map
    }

    static func value(_ bytes: [UInt8]) -> UInt32 {
        bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A bfchar/bfrange destination: UTF-16BE bytes, or a glyph name.
    static func text(_ object: PDFObject) -> [Unicode.Scalar]? {
        switch object {
        case .string(let bytes):
            var units: [UInt16] = []
            var i = 0
            while i + 1 < bytes.count {
                units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            if bytes.count % 2 == 1 { units.append(UInt16(bytes[bytes.count - 1])) }
            let scalars = Array(String(decoding: units, as: UTF16.self).unicodeScalars)
            return scalars.isEmpty ? nil : scalars
        case .name(let name):
            return PDFEncodings.text(forGlyph: name)
        default:
            return nil
        }
    }
}
