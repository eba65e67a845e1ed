import Platform
import FormatKit

/// Splits RFC 4180 records into fields, byte by byte: quoted fields with delimiters,
/// escaped quotes (doubled, or after a backslash) and line breaks inside; CRLF, LF or CR
/// line ends; blank lines skipped. Without a quote character every byte is text.
struct CSVTokenizer {
    public let path: String
    public let delimiter: UInt8
    /// Whether `quote` starts a quoted field at all (`--quote none`: it never does).
    let quoting: Bool
    public let quote: UInt8
    public let escape: UInt8
    public let allowRagged: Bool
    /// Physical line (1-based) where the next record starts.
    public var line = 1
    /// Records with fewer / more fields than the header.
    var shortRows = 0
    var longRows = 0

    public init(path: String, dialect: CSVDialect, allowRagged: Bool) {
        self.path = path
        delimiter = dialect.delimiter
        quoting = dialect.quote != nil
        quote = dialect.quote ?? CSVDialect.doubleQuote
        escape = dialect.escape
        self.allowRagged = allowRagged
    }

    @inline(__always)
    private static func matches(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// Tokenizes whole records from `base[from ..< count]` into `index` (replacing its
    /// rows) until it is full or the bytes run out. A record cut by the end of the bytes is
    /// left for the next call unless `isFinal`. Returns where the unconsumed bytes start.
    mutating func tokenize(
        _ base: UnsafePointer<UInt8>, from: Int, count: Int, isFinal: Bool, into index: FieldIndex
    ) throws(ConversionError) -> Int {
        let columns = index.columnCount
        let capacity = index.rowCapacity
        let starts = index.starts, ends = index.ends, kinds = index.kinds, rowOffsets = index.rowOffsets
        let delimiter = self.delimiter, quote = self.quote, escape = self.escape, quoting = self.quoting
        let doubledQuotes = escape == quote
        let delimiterPattern = UInt64(delimiter) &* 0x0101_0101_0101_0101
        let lfPattern: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        let crPattern: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
        var rows = 0
        var pos = from
        var consumed = from

        records: while pos < count && rows < capacity {
            // Blank lines separate nothing.
            let first = base[pos]
            if first == 0x0A {
                pos &+= 1; line &+= 1; consumed = pos
                continue
            }
            if first == 0x0D {
                if pos &+ 1 < count {
                    pos &+= base[pos &+ 1] == 0x0A ? 2 : 1
                } else if isFinal {
                    pos &+= 1
                } else {
                    break records
                }
                line &+= 1; consumed = pos
                continue
            }
            let recordStart = pos
            let recordLine = line
            let slotBase = rows &* columns
            var field = 0
            fields: while true {
                var start = pos
                var end: Int
                var kind = FieldIndex.Kind.plain
                if quoting && pos < count && base[pos] == quote {
                    kind = .quoted
                    pos &+= 1
                    start = pos
                    while true {
                        guard let hit = memchr(base + pos, Int32(quote), count &- pos) else {
                            if isFinal {
                                throw .malformedInput(
                                    path: path, location: "line \(recordLine)",
                                    reason: "a quoted field is never closed",
                                    fix: "close the quote, or \(insideQuoteFix); if quotes in this file are ordinary text, pass --quote none")
                            }
                            line = recordLine
                            break records
                        }
                        let q = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                        if doubledQuotes {
                            if q &+ 1 < count && base[q &+ 1] == quote {
                                kind = .quotedEscaped
                                pos = q &+ 2
                                continue
                            }
                            if q &+ 1 == count && !isFinal {
                                line = recordLine
                                break records
                            }
                        } else if let e = memchr(base + pos, Int32(escape), q &- pos) {
                            // An escape before the quote: it makes the next quote or escape literal.
                            let at = UnsafePointer<UInt8>(e.assumingMemoryBound(to: UInt8.self)) - base
                            let escaped = base[at &+ 1]  // exists: the quote at q is after it
                            if escaped == quote || escaped == escape {
                                kind = .quotedEscaped
                                pos = at &+ 2
                            } else {
                                pos = at &+ 1  // a lone escape byte is text
                            }
                            continue
                        }
                        end = q
                        pos = q &+ 1
                        break
                    }
                    // Line breaks inside the quotes still advance the physical line.
                    var scan = start
                    while scan < end, let nl = memchr(base + scan, 0x0A, end &- scan) {
                        line &+= 1
                        scan = (UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - base) &+ 1
                    }
                    if pos < count {
                        let next = base[pos]
                        if next != delimiter && next != 0x0A && next != 0x0D {
                            let shown = next >= 0x20 && next < 0x7F ? "'\(Character(UnicodeScalar(next)))'" : "byte 0x\(String(next, radix: 16))"
                            throw .malformedInput(
                                path: path, location: "line \(line)",
                                reason: "\(shown) follows the closing quote of a field",
                                fix: "quote the whole field and \(insideQuoteFix); if quotes in this file are ordinary text, pass --quote none")
                        }
                    }
                } else {
                    // Unquoted: run to the next delimiter or line end, 8 bytes at a time.
                    while pos &+ 8 <= count {
                        let word = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
                        let hits = Self.matches(word, delimiterPattern) | Self.matches(word, lfPattern)
                            | Self.matches(word, crPattern)
                        if hits != 0 {
                            pos &+= hits.trailingZeroBitCount >> 3
                            break
                        }
                        pos &+= 8
                    }
                    while pos < count {
                        let c = base[pos]
                        if c == delimiter || c == 0x0A || c == 0x0D { break }
                        pos &+= 1
                    }
                    end = pos
                }
                if field < columns {
                    let slot = slotBase &+ field
                    starts[slot] = UInt32(truncatingIfNeeded: start)
                    ends[slot] = UInt32(truncatingIfNeeded: end)
                    kinds[slot] = kind.rawValue
                }
                field &+= 1
                if pos >= count {
                    if !isFinal {
                        line = recordLine
                        break records
                    }
                    break fields
                }
                let c = base[pos]
                if c == delimiter {
                    pos &+= 1
                    if pos == count && !isFinal {
                        line = recordLine
                        break records
                    }
                    continue fields
                }
                if c == 0x0A {
                    pos &+= 1
                } else {  // CR, alone or before LF
                    if pos &+ 1 < count {
                        pos &+= base[pos &+ 1] == 0x0A ? 2 : 1
                    } else if isFinal {
                        pos &+= 1
                    } else {
                        line = recordLine
                        break records
                    }
                }
                line &+= 1
                break fields
            }
            if field < columns {
                shortRows &+= 1
                for missing in field..<columns {
                    starts[slotBase &+ missing] = 0
                    ends[slotBase &+ missing] = 0
                    kinds[slotBase &+ missing] = FieldIndex.Kind.missing.rawValue
                }
            } else if field > columns {
                guard allowRagged else {
                    throw .malformedInput(
                        path: path, location: "line \(recordLine)",
                        reason: "the record has \(field) fields but the header has \(columns)",
                        fix: "quote fields that contain the delimiter, check --delimiter, or pass --allow-ragged to keep the first \(columns) fields")
                }
                longRows &+= 1
            }
            rowOffsets[rows] = UInt32(truncatingIfNeeded: recordStart)
            rows &+= 1
            consumed = pos
        }
        index.rowCount = rows
        return consumed
    }

    /// How a quote belongs inside a quoted field in this dialect, for error messages.
    private var insideQuoteFix: String {
        let q = String(UnicodeScalar(quote))
        return escape == quote ? "double quotes that belong inside the field (\(q)\(q))"
            : "escape quotes that belong inside the field (\(String(UnicodeScalar(escape)))\(q))"
    }
}
