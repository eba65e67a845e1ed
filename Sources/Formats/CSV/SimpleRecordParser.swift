/// A straightforward record parser for the few records sniffing and headers need,
/// where the column count is not known yet. The hot path uses `CSVTokenizer`.
enum SimpleRecordParser {
    struct Record {
        public var fields: [[UInt8]]
        public var quoted: [Bool]
        /// Offset of the record's first byte (after any blank lines).
        public var start: Int
        /// Offset just past the record's line end.
        public var next: Int
        /// Text follows a closing quote somewhere (kept as part of the field): the dialect is wrong.
        public var malformed: Bool
    }

    /// Where one field lies: `bytes[start ..< end]`, quotes excluded; `escaped` when it
    /// holds escape sequences still to collapse.
    struct Span {
        public var start: Int
        public var end: Int
        public var quoted: Bool
        public var escaped: Bool
    }

    /// Finds the fields of the record starting at `from` (skipping blank lines) without
    /// copying them; `spans` is reused between calls. Nil when no complete record is in the
    /// bytes: they end inside it (unless `isFinal`), or inside a quote that never closes.
    public static func scan(
        _ bytes: UnsafeRawBufferPointer, from: Int, dialect: CSVDialect, isFinal: Bool, into spans: inout [Span]
    ) -> (start: Int, next: Int, malformed: Bool)? {
        spans.removeAll(keepingCapacity: true)
        let n = bytes.count
        let delimiter = dialect.delimiter, escape = dialect.escape
        var pos = from
        while pos < n && (bytes[pos] == 0x0A || bytes[pos] == 0x0D) { pos += 1 }
        guard pos < n else { return nil }
        let recordStart = pos
        var malformed = false
        while true {
            var span = Span(start: pos, end: pos, quoted: false, escaped: false)
            if let quote = dialect.quote, pos < n && bytes[pos] == quote {
                span.quoted = true
                pos += 1
                span.start = pos
                var closed = false
                while pos < n {
                    let c = bytes[pos]
                    if c == escape && pos + 1 < n && (bytes[pos + 1] == quote || bytes[pos + 1] == escape) {
                        span.escaped = true
                        pos += 2
                        continue
                    }
                    if c == quote {
                        closed = true
                        break
                    }
                    pos += 1
                }
                // A doubled quote cut by the end of the bytes may go on in the next ones.
                if !closed || (!isFinal && pos + 1 == n && escape == quote) { return nil }
                span.end = pos
                pos += 1
            }
            let afterQuote = pos
            while pos < n && bytes[pos] != delimiter && bytes[pos] != 0x0A && bytes[pos] != 0x0D { pos += 1 }
            if !span.quoted {
                span.end = pos
            } else if pos > afterQuote {
                // Text after the closing quote: kept with the field (and the quote) for a lenient header.
                malformed = true
                span.end = pos
            }
            spans.append(span)
            if pos >= n {
                return isFinal ? (recordStart, n, malformed) : nil
            }
            if bytes[pos] == delimiter {
                pos += 1
                continue
            }
            if bytes[pos] == 0x0D { pos += 1 }
            if pos < n && bytes[pos] == 0x0A { pos += 1 }
            return (recordStart, pos, malformed)
        }
    }

    /// The record starting at `from` with its fields' text (escapes collapsed).
    public static func record(_ bytes: UnsafeRawBufferPointer, from: Int, dialect: CSVDialect, isFinal: Bool) -> Record? {
        var spans: [Span] = []
        guard let found = scan(bytes, from: from, dialect: dialect, isFinal: isFinal, into: &spans) else { return nil }
        let fields = spans.map { span in text(bytes, span, dialect: dialect) }
        return Record(fields: fields, quoted: spans.map(\.quoted), start: found.start, next: found.next, malformed: found.malformed)
    }

    public static func text(_ bytes: UnsafeRawBufferPointer, _ span: Span, dialect: CSVDialect) -> [UInt8] {
        guard span.escaped, let quote = dialect.quote else { return Array(bytes[span.start..<span.end]) }
        var out: [UInt8] = []
        out.reserveCapacity(span.end - span.start)
        var k = span.start
        while k < span.end {
            let c = bytes[k]
            if c == dialect.escape && k + 1 < span.end && (bytes[k + 1] == quote || bytes[k + 1] == dialect.escape) {
                out.append(bytes[k + 1])
                k += 2
            } else {
                out.append(c)
                k += 1
            }
        }
        return out
    }
}
