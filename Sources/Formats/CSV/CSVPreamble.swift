import FormatKit
/// What comes before the header of a delimited text file and is not data: Excel's
/// `sep=;` line, the lines `--skip-rows` drops, title rows above the header.
enum CSVPreamble {
    /// Lines before the header that are not data.
    struct Lines {
        /// The delimiter an Excel `sep=` first line declares.
        var declaredDelimiter: UInt8?
        /// Physical lines before the header: the `sep=` line, skipped lines, title rows.
        public var lines = 0
        /// Lines dropped by `--skip-rows` or as title rows (not the `sep=` line).
        var skippedLines: Int { lines - (declaredDelimiter == nil ? 0 : 1) }
        public var titleRows = 0
        public var titles: [String] = []
    }

    /// Consumes the `sep=` line and the `--skip-rows` lines from the buffer, topped up after.
    public static func consume(_ buffer: ChunkBuffer, options: CSVOptions, path: String) throws(ConversionError) -> Lines {
        var preamble = Lines()
        let head = UnsafeRawBufferPointer(start: buffer.bytes + buffer.start, count: buffer.unconsumed)
        if let declaration = separatorLine(head, isWholeFile: buffer.exhausted) {
            preamble.declaredDelimiter = declaration.delimiter
            preamble.lines = 1
            buffer.start += declaration.length
        }
        guard let skip = options.skipRows, skip > 0 else { return preamble }
        let skipped = try skipLines(skip, in: buffer)
        preamble.lines += skipped
        try buffer.refill()
        let rest = UnsafeBufferPointer(start: buffer.bytes + buffer.start, count: buffer.unconsumed)
        if buffer.exhausted && !rest.contains(where: { $0 != 0x0A && $0 != 0x0D }) {
            throw .invalidOption("--skip-rows \(skip) drops every line of '\(path)', which has \(skipped) line(s) after any sep= line. Pass a smaller number.")
        }
        return preamble
    }

    /// Excel's delimiter declaration: `sep=X` alone on the first line (Excel writes it so
    /// that the file opens with the right delimiter in any locale, and hides it). Returns
    /// the delimiter and the line's length with its line end.
    static func separatorLine(_ bytes: UnsafeRawBufferPointer, isWholeFile: Bool) -> (delimiter: UInt8, length: Int)? {
        guard bytes.count >= 5 else { return nil }
        for (k, letter) in "sep=".utf8.enumerated() {
            let c = bytes[k]
            if (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) != letter { return nil }  // letters in any case
        }
        let delimiter = bytes[4]
        guard delimiter >= 0x20 || delimiter == 0x09, delimiter < 0x7F, delimiter != CSVDialect.doubleQuote else { return nil }
        if bytes.count == 5 { return isWholeFile ? (delimiter, 5) : nil }
        switch bytes[5] {
        case 0x0A: return (delimiter, 6)
        case 0x0D: return (delimiter, bytes.count > 6 && bytes[6] == 0x0A ? 7 : 6)
        default: return nil
        }
    }

    /// Drops the first `count` lines (LF, CRLF or CR ends; blank lines count) from the
    /// buffer, refilling it as needed. Returns how many lines there were to drop.
    static func skipLines(_ count: Int, in buffer: ChunkBuffer) throws(ConversionError) -> Int {
        var skipped = 0
        while skipped < count {
            var p = buffer.start
            let end = buffer.end
            let bytes = buffer.bytes
            while skipped < count && p < end {
                let c = bytes[p]
                if c == 0x0A {
                    skipped += 1
                    p += 1
                } else if c == 0x0D {
                    if p + 1 < end {
                        p += bytes[p + 1] == 0x0A ? 2 : 1
                    } else if buffer.exhausted {
                        p += 1
                    } else {
                        break  // is an LF next? Refill first.
                    }
                    skipped += 1
                } else {
                    p += 1
                }
            }
            buffer.start = p
            if skipped == count { break }
            if buffer.exhausted {
                if p > 0 && bytes[p - 1] != 0x0A && bytes[p - 1] != 0x0D { skipped += 1 }  // a last line without its end
                break
            }
            try buffer.refill()
        }
        return skipped
    }

    /// Title rows found above the header: how many, where the header starts, the lines
    /// before it, and the titles' first cells for the note.
    typealias TitleRowsFound = (rows: Int, offset: Int, lines: Int, titles: [String])

    /// Title rows above the header in the sample (see `TitleRows`), or nil when there are none.
    public static func titleRows(
        _ sample: UnsafeRawBufferPointer, dialect: CSVDialect, isWholeFile: Bool
    ) -> TitleRowsFound? {
        let records = CSVSniffer.records(sample, dialect: dialect, isWholeFile: isWholeFile, limit: TitleRows.rowsNeeded)
        let k = TitleRows.count(records.map(shape))
        guard k > 0 else { return nil }
        let offset = records[k].start
        let titles = records[0..<k].compactMap { record in
            record.fields.first(where: isFilled).map { String(decoding: $0, as: UTF8.self) }
        }
        return (k, offset, lineBreaks(sample, upTo: offset), titles)
    }

    private static func shape(_ record: SimpleRecordParser.Record) -> TitleRows.Row {
        let filled = record.fields.filter(isFilled)
        let text = filled.map { CSVSniffer.type(of: $0) == .string }
        return TitleRows.Row(filled: filled.count, startsWithText: text.first ?? true, allText: !text.contains(false))
    }

    private static func isFilled(_ field: [UInt8]) -> Bool {
        field.contains { $0 != UInt8(ascii: " ") && $0 != 0x09 }
    }

    /// Line ends (LF, CRLF or CR) in `bytes[0 ..< end]`.
    static func lineBreaks(_ bytes: UnsafeRawBufferPointer, upTo end: Int) -> Int {
        var lines = 0
        for k in 0..<end where bytes[k] == 0x0A || (bytes[k] == 0x0D && (k + 1 >= bytes.count || bytes[k + 1] != 0x0A)) {
            lines += 1
        }
        return lines
    }
}
