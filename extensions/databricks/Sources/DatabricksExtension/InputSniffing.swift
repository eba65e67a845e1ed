import DatabricksEnvironment

/// Looks at the first bytes of an input to pick the Spark reader options the core engine
/// would work out for itself: CSV delimiter and embedded newlines, JSON array vs lines, and
/// the XML element that repeats once per record.
enum InputSniffing {
    static let sampleSize = 256 << 10

    static func sample(_ path: String) -> [UInt8] {
        LocalFiles.readPrefix(path, upTo: sampleSize) ?? []
    }

    /// Spark's CSV options for this sample: delimiter, RFC 4180 quoting, header, types.
    static func csvOptions(_ sample: [UInt8], path: String) -> [String: String] {
        var options = ["header": "true", "inferSchema": "true", "quote": "\"", "escape": "\"", "mode": "FAILFAST"]
        options["sep"] = String(UnicodeScalar(delimiter(sample, path: path)))
        if hasQuotedNewline(sample) { options["multiLine"] = "true" }
        return options
    }

    /// The candidate that appears most often, and equally often, on the first lines.
    static func delimiter(_ sample: [UInt8], path: String) -> UInt8 {
        let lower = path.lowercased()
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return UInt8(ascii: "\t") }
        let lines = sample.split(separator: UInt8(ascii: "\n"), maxSplits: 20).dropLast(sample.count >= sampleSize ? 1 : 0)
        var best: (byte: UInt8, score: Int) = (UInt8(ascii: ","), 0)
        for candidate in [",", "\t", ";", "|"].map({ UInt8(ascii: UnicodeScalar($0)!) }) {
            let counts = lines.prefix(10).map { line in line.reduce(0) { $0 + ($1 == candidate ? 1 : 0) } }
            guard let first = counts.first, first > 0, counts.allSatisfy({ $0 == first }) else { continue }
            if first > best.score { best = (candidate, first) }
        }
        return best.byte
    }

    /// True when a quoted field spans lines, which Spark reads only with multiLine.
    static func hasQuotedNewline(_ sample: [UInt8]) -> Bool {
        var quoted = false
        for byte in sample {
            if byte == UInt8(ascii: "\"") { quoted.toggle() } else if quoted, byte == UInt8(ascii: "\n") { return true }
        }
        return false
    }

    /// A JSON array of records needs multiLine; JSON lines do not.
    static func jsonOptions(_ sample: [UInt8]) -> [String: String] {
        let first = sample.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }).first
        return first == UInt8(ascii: "[") ? ["multiLine": "true"] : [:]
    }

    /// The name of the root element's first child element: the record element.
    static func xmlRowTag(_ sample: [UInt8]) -> String? {
        var depth = 0
        var i = 0
        while i < sample.count {
            guard sample[i] == UInt8(ascii: "<"), i + 1 < sample.count else {
                i += 1
                continue
            }
            let next = sample[i + 1]
            if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {  // prolog, comment, DOCTYPE
                i += 2
                continue
            }
            if next == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                continue
            }
            var end = i + 1
            while end < sample.count, !" \t\r\n/>".utf8.contains(sample[end]) { end += 1 }
            let name = String(decoding: sample[(i + 1)..<end], as: UTF8.self)
            if depth == 1 { return name }
            var close = end
            while close < sample.count, sample[close] != UInt8(ascii: ">") { close += 1 }
            if close > 0, close < sample.count, sample[close - 1] != UInt8(ascii: "/") { depth += 1 }
            i = close + 1
        }
        return nil
    }
}
