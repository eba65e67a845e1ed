/// A straightforward record parser for the few records sniffing and headers need,
/// where the column count is not known yet. The hot path uses `CSVTokenizer`.
enum SimpleRecordParser {
    struct Record {
        var fields: [[UInt8]]
        var quoted: [Bool]
        /// Offset just past the record's line end.
        var next: Int
    }

    /// Parses the record starting at `from` (skipping blank lines); nil when no complete
    /// record is in the bytes (or the quotes do not balance).
    static func record(
        _ bytes: UnsafeRawBufferPointer, from: Int, delimiter: UInt8, quote: UInt8 = UInt8(ascii: "\""), isFinal: Bool
    ) -> Record? {
        let n = bytes.count
        var pos = from
        while pos < n && (bytes[pos] == 0x0A || bytes[pos] == 0x0D) { pos += 1 }
        guard pos < n else { return nil }
        var fields: [[UInt8]] = []
        var quoted: [Bool] = []
        var current: [UInt8] = []
        var isQuoted = false
        while true {
            if pos < n && bytes[pos] == quote && current.isEmpty && !isQuoted {
                isQuoted = true
                pos += 1
                var closed = false
                while pos < n {
                    if bytes[pos] == quote {
                        if pos + 1 < n && bytes[pos + 1] == quote {
                            current.append(quote)
                            pos += 2
                            continue
                        }
                        pos += 1
                        closed = true
                        break
                    }
                    current.append(bytes[pos])
                    pos += 1
                }
                if !closed { return nil }
            }
            while pos < n && bytes[pos] != delimiter && bytes[pos] != 0x0A && bytes[pos] != 0x0D {
                current.append(bytes[pos])
                pos += 1
            }
            fields.append(current)
            quoted.append(isQuoted)
            current = []
            isQuoted = false
            if pos >= n {
                return isFinal ? Record(fields: fields, quoted: quoted, next: n) : nil
            }
            if bytes[pos] == delimiter {
                pos += 1
                continue
            }
            if bytes[pos] == 0x0D { pos += 1 }
            if pos < n && bytes[pos] == 0x0A { pos += 1 }
            return Record(fields: fields, quoted: quoted, next: pos)
        }
    }
}
