import CSVFormat
import DatabricksEnvironment

/// Looks at the first bytes of an input to pick the Spark reader options the core engine
/// would work out for itself: the CSV dialect (the core's own sniffer), JSON array vs lines,
/// and the XML element that repeats once per record.
enum InputSniffing {
    static let sampleSize = 256 << 10

    static func sample(_ path: String) -> [UInt8] {
        LocalFiles.readPrefix(path, upTo: sampleSize) ?? []
    }

    /// Spark's CSV options for the dialect pyforge's CSV reader picks for this sample
    /// (delimiter, quote, escape, header), multiLine when a quoted field spans lines, types inferred.
    static func csvOptions(_ sample: [UInt8], path: String) -> [String: String] {
        let isWholeFile = sample.count < sampleSize
        return sample.withUnsafeBytes { bytes in
            let dialect = CSVDialect.sniff(prefix: bytes, isWholeFile: isWholeFile, fileName: path)
            var options = ["header": dialect.hasHeader ? "true" : "false", "inferSchema": "true", "mode": "FAILFAST"]
            options["sep"] = String(UnicodeScalar(dialect.delimiter))
            if let quote = dialect.quote {
                options["quote"] = String(UnicodeScalar(quote))
                options["escape"] = String(UnicodeScalar(dialect.escape))
            } else {
                options["quote"] = ""  // Spark's way of reading quotes as ordinary characters
            }
            if dialect.quotesLineBreaks(in: bytes, isWholeFile: isWholeFile) { options["multiLine"] = "true" }
            return options
        }
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
