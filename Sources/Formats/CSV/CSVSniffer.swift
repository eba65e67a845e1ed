import Platform
import FormatKit

/// Guesses a CSV file's dialect (delimiter, quote, escape) and whether it has a header
/// from a bounded sample: its first `sampleRecords` records within the first MiB.
///
/// Like DuckDB's sniffer, every candidate dialect (delimiter × quote × escape) parses the
/// sample; one that meets a quote error (text after a closing quote, a quote that never
/// closes) is out. Except one: a `"` that never closes before the end of the file leaves
/// RFC 4180 standing (ranked first), because that is a broken file to report at its line
/// rather than evidence that quotes are text. The others are ranked by, in order:
/// 1. how many records have the usual field count (from the first record that has it, so
///    that title lines on top do not count against it), less two for each longer record;
/// 2. that field count (more columns: a "," or ";" inside text splits less evenly);
/// 3. how many fields the quote character actually quoted (evidence for it);
/// 4. the candidate order: `"` doubled (RFC 4180), no quotes, `"` with `\`, `'` doubled, `'` with `\`.
/// So a file without quotes keeps `"` (a quoted field later on still reads), stray quotes
/// in text (`5" floppy`, `"quoted" word`) leave only "no quotes" standing, and `'` or `\`
/// win only where the sample shows them at work.
enum CSVSniffer {
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
    static let sampleRecords = 1000
    /// The most bytes sniffing looks at.
    static let sampleBytes = 1 << 20
    /// Records the header decision looks at.
    static let headerRecords = 50

    /// A quote choice: the character (nil: none) and its escape.
    struct Quoting: Equatable {
        public var quote: UInt8?
        public var escape: UInt8?
    }

    static let quotings: [Quoting] = [
        Quoting(quote: CSVDialect.doubleQuote, escape: CSVDialect.doubleQuote),
        Quoting(quote: nil, escape: nil),
        Quoting(quote: CSVDialect.doubleQuote, escape: CSVDialect.backslash),
        Quoting(quote: UInt8(ascii: "'"), escape: UInt8(ascii: "'")),
        Quoting(quote: UInt8(ascii: "'"), escape: CSVDialect.backslash),
    ]

    /// The best dialect for the sample; fields the user gave (`options`, or the delimiter a
    /// `sep=` line or the file extension declares) are kept as they are.
    static func dialect(
        _ sample: UnsafeRawBufferPointer, isWholeFile: Bool, delimiter given: UInt8?, options: CSVOptions
    ) -> CSVDialect {
        let delimiters = given.map { [$0] } ?? Self.delimiters
        let quotings = candidateQuotings(sample, options: options)
        var best: (dialect: CSVDialect, score: Score)?
        for quoting in quotings {
            for delimiter in delimiters where delimiter != quoting.quote && delimiter != quoting.escape {
                let dialect = CSVDialect(delimiter: delimiter, quote: quoting.quote, escape: quoting.escape)
                guard var score = score(sample, dialect: dialect, isWholeFile: isWholeFile) else { continue }
                if score.unclosedAtEnd {
                    guard quoting == quotings[0] else { continue }
                    score.consistent = Int.max / 2
                }
                if best == nil || score > best!.score { best = (dialect, score) }
            }
        }
        // Nothing parses into columns (one column, or every candidate fails): the plain
        // defaults, so that the conversion reports a real error at its line.
        let first = quotings[0]
        return best?.dialect ?? CSVDialect(delimiter: delimiters[0], quote: first.quote, escape: first.escape)
    }

    /// The dialect and header of a sample that starts after any `sep=` line and skipped
    /// lines, and the title rows above the header (looked for only when neither
    /// `--skip-rows` nor `--header` was given). `name` is the file's name without a
    /// compression suffix: `.tsv` and `.tab` declare tabs when nothing else declares a delimiter.
    static func layout(
        _ sample: UnsafeRawBufferPointer, isWholeFile: Bool, declaredDelimiter: UInt8?, name: String, options: CSVOptions
    ) -> (dialect: CSVDialect, titles: CSVPreamble.TitleRowsFound?) {
        let lower = name.lowercased()
        let declared = declaredDelimiter ?? (lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? 0x09 : nil)
        var dialect = dialect(sample, isWholeFile: isWholeFile, delimiter: declared, options: options)
        var titles: CSVPreamble.TitleRowsFound?
        var header = sample
        if options.skipRows == nil && options.hasHeader == nil,
            let found = CSVPreamble.titleRows(sample, dialect: dialect, isWholeFile: isWholeFile)
        {
            titles = found
            header = UnsafeRawBufferPointer(rebasing: sample[found.offset...])
        }
        dialect.hasHeader = options.hasHeader ?? hasHeader(header, dialect: dialect, isWholeFile: isWholeFile)
        return (dialect, titles)
    }

    /// The quotings worth trying: a given `--quote`/`--escape` narrows them; a quote or
    /// escape character absent from the sample cannot change the parse, so it is not tried
    /// (`"` doubled stands for "no quotes" then, keeping RFC 4180 for the rest of the file).
    static func candidateQuotings(_ sample: UnsafeRawBufferPointer, options: CSVOptions) -> [Quoting] {
        if let quote = options.quote {
            return [Quoting(quote: quote, escape: quote == nil ? nil : options.escape ?? quote)]
        }
        if let escape = options.escape {
            return [CSVDialect.doubleQuote, UInt8(ascii: "'")].map { Quoting(quote: $0, escape: escape) }
        }
        let present = Set([CSVDialect.doubleQuote, UInt8(ascii: "'"), CSVDialect.backslash].filter { byte in
            sample.count > 0 && memchr(sample.baseAddress!, Int32(byte), sample.count) != nil
        })
        return quotings.filter { quoting in
            guard let quote = quoting.quote else { return present.contains(CSVDialect.doubleQuote) }
            return present.contains(quote) && (quoting.escape == quote || present.contains(CSVDialect.backslash))
                || quoting == quotings[0]
        }
    }

    /// A candidate's rank (compared as a tuple), nil when it fails on the sample.
    struct Score: Comparable {
        var consistent: Int
        public var columns: Int
        var quotedFields: Int
        /// The whole file ends inside a quoted field.
        var unclosedAtEnd = false

        static func < (a: Score, b: Score) -> Bool {
            (a.consistent, a.columns, a.quotedFields) < (b.consistent, b.columns, b.quotedFields)
        }
    }

    static func score(_ sample: UnsafeRawBufferPointer, dialect: CSVDialect, isWholeFile: Bool) -> Score? {
        var counts: [Int] = []
        var quotedFields = 0
        var spans: [SimpleRecordParser.Span] = []
        var pos = 0
        var unclosedAtEnd = false
        while counts.count < sampleRecords {
            guard let record = SimpleRecordParser.scan(sample, from: pos, dialect: dialect, isFinal: isWholeFile, into: &spans) else {
                // The sample ends inside a record; in the whole file that is a quote never closed.
                unclosedAtEnd = isWholeFile && sample[pos...].contains(where: { $0 != 0x0A && $0 != 0x0D })
                break
            }
            if record.malformed { return nil }
            counts.append(spans.count)
            quotedFields += spans.reduce(0) { $0 + ($1.quoted ? 1 : 0) }
            pos = record.next
        }
        // The usual field count: the most frequent one (the larger on a tie).
        var frequency: [Int: Int] = [:]
        for count in counts { frequency[count, default: 0] += 1 }
        guard let usual = frequency.max(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key, usual > 1,
            let start = counts.firstIndex(of: usual)
        else { return nil }
        let rest = counts[start...]
        let consistent = rest.filter { $0 == usual }.count - 2 * rest.filter { $0 > usual }.count
        return Score(consistent: consistent, columns: usual, quotedFields: quotedFields, unclosedAtEnd: unclosedAtEnd)
    }

    /// A header is assumed unless the first record looks like data: some column holds a
    /// typed value (number, date, boolean) in the first record just as in the records after it.
    public static func hasHeader(_ sample: UnsafeRawBufferPointer, dialect: CSVDialect, isWholeFile: Bool) -> Bool {
        let records = self.records(sample, dialect: dialect, isWholeFile: isWholeFile, limit: headerRecords)
        guard let first = records.first, records.count > 1 else { return true }
        for column in 0..<first.fields.count {
            let head = type(of: first.fields[column])
            guard head != .string, head != .unknown else { continue }
            let rest = records.dropFirst().compactMap { $0.fields.count > column ? type(of: $0.fields[column]) : nil }
                .filter { $0 != .unknown }
            if !rest.isEmpty && rest.allSatisfy({ $0 != .string }) { return false }
        }
        return true
    }

    /// The first `limit` records of the sample.
    public static func records(_ sample: UnsafeRawBufferPointer, dialect: CSVDialect, isWholeFile: Bool, limit: Int) -> [SimpleRecordParser.Record] {
        var records: [SimpleRecordParser.Record] = []
        var pos = 0
        while records.count < limit, let record = SimpleRecordParser.record(sample, from: pos, dialect: dialect, isFinal: isWholeFile) {
            records.append(record)
            pos = record.next
        }
        return records
    }

    public static func type(of field: [UInt8]) -> InferredType {
        guard !field.isEmpty else { return .unknown }
        return field.withUnsafeBufferPointer { InferredType.classify($0.baseAddress!, $0.count) }
    }
}
