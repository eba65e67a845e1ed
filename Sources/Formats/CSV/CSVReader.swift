import Platform
import Columnar
import Synchronization
import FormatKit

/// A CSV/TSV file as a table source.
public struct CSVSource: TableSource {
    public let path: String
    public let options: CSVOptions
    /// Learned while reading and kept for the next reader: a file sniffed as UTF-8 that is
    /// ASCII up to a later byte that is not UTF-8 is read again as Windows-1252 (no value
    /// read so far changes); after UTF-8 text that byte is an error instead.
    let learnedEncoding = LearnedEncoding()
    public var formatName: String { "csv" }

    public init(path: String, options: CSVOptions) {
        self.path = path
        self.options = options
    }

    public func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        try CSVReader(path: path, options: options, learned: learnedEncoding, schema: schema, progress: progress)
    }

    /// Reads the whole file without converting: exact row count and types.
    public func scan() throws(ConversionError) -> (reader: CSVReader, rows: Int, schema: Schema) {
        while true {
            let reader = try CSVReader(path: path, options: options, learned: learnedEncoding, schema: nil, progress: nil)
            let (rows, schema) = try reader.scanToEnd()
            if !reader.encodingSwitched { return (reader, rows, schema) }
        }
    }
}

public final class LearnedEncoding: Sendable {
    private let value = Mutex<TextEncoding?>(nil)
    public var encoding: TextEncoding? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// Streams a delimited text file as typed record batches: sniffs the dialect, infers
/// column types from the first batch, and asks for a restart when a later value needs a
/// wider type (after scanning the rest so that one restart is enough).
public final class CSVReader: TableReader {
    public let path: String
    public let dialect: CSVDialect
    public private(set) var schema: Schema
    public private(set) var warnings: [String] = []
    private let options: CSVOptions
    private let preamble: CSVPreamble.Lines
    /// The file's bytes, decompressed as they are read for `.gz`, `.bz2` and `.zst`.
    private let input: InputByteStream
    private let compressed: Bool
    private let buffer: ChunkBuffer
    private var tokenizer: CSVTokenizer
    private let index: FieldIndex
    private var types: [InferredType]
    private let nullValues: [[UInt8]]
    private let progress: ProgressCounter?
    private var firstBatchPending = false
    private var rowsRead = 0
    /// Where the records now in `index` start, for line numbers and validation.
    private var chunkStart = 0
    private var chunkLine = 1
    private let validatesUTF8: Bool
    /// Whether the text validated so far held a multi-byte UTF-8 character, which proves
    /// the file is UTF-8: reading it as Windows-1252 would change those values.
    private var sawUTF8Text = false
    private let source: ByteSource
    /// Repeated header names, made distinct.
    private var headerWarning: String?
    private let learned: LearnedEncoding
    /// Invalid UTF-8 turned up in a file sniffed as UTF-8: this reader stops and the
    /// next one reads the file as Windows-1252.
    private(set) var encodingSwitched = false
    private var switchReason = ""

    public static let bufferSize = 8 << 20
    public static let batchRows = 65_536

    public init(
        path: String, options: CSVOptions, learned: LearnedEncoding, schema override: Schema?, progress: ProgressCounter?
    ) throws(ConversionError) {
        self.path = path
        self.options = options
        self.progress = progress
        self.learned = learned
        if let conflict = options.dialectConflict() { throw .invalidOption(conflict) }
        let (name, compression) = InputCompression.split(path)
        compressed = compression != .none
        let encoding: TextEncoding
        if let declared = options.encoding ?? learned.encoding { encoding = declared } else { encoding = try Self.detectEncoding(path) }
        input = try InputCompression.open(path)
        source = makeByteSource(input, encoding: encoding)
        buffer = ChunkBuffer(source: source, capacity: Self.bufferSize, limit: ResourceLimits.recordLimit(options.maxRecordBytes))
        try buffer.refill()
        var preamble = try CSVPreamble.consume(buffer, options: options, path: path)
        // Sniffing reads a bounded sample: the first MiB after the lines skipped.
        let sample = UnsafeRawBufferPointer(start: buffer.bytes + buffer.start, count: Swift.min(buffer.unconsumed, CSVSniffer.sampleBytes))
        let wholeFile = buffer.exhausted && buffer.unconsumed <= CSVSniffer.sampleBytes
        let layout = CSVSniffer.layout(
            sample, isWholeFile: wholeFile, declaredDelimiter: options.delimiter ?? preamble.declaredDelimiter, name: name, options: options)
        if let titles = layout.titles {
            buffer.start += titles.offset
            preamble.lines += titles.lines
            preamble.titleRows = titles.rows
            preamble.titles = titles.titles
        }
        var sniffed = layout.dialect
        sniffed.encoding = encoding
        dialect = sniffed
        self.preamble = preamble
        validatesUTF8 = encoding == .utf8 || encoding == .utf8WithBOM
        nullValues = options.nullValues.map { Array($0.utf8) }
        tokenizer = CSVTokenizer(path: path, dialect: dialect, allowRagged: options.allowRagged)
        tokenizer.line += preamble.lines

        let (names, renamed) = try Self.readHeader(buffer, dialect: dialect, tokenizer: &tokenizer, path: path)
        headerWarning = renamed.warning(in: path) { "header column \($0 + 1)" }
        // Wide tables get fewer rows per batch: the index's memory is rows × columns.
        index = FieldIndex(columnCount: names.count, rowCapacity: ResourceLimits.batchRows(Self.batchRows, columns: names.count))
        if let override {
            guard override.count == names.count else {
                throw .invalidOption("'\(path)' changed while it was being read: it now has \(names.count) columns instead of \(override.count).")
            }
            types = override.fields.map { InferredType(override: $0.type) }
        } else {
            types = Array(repeating: options.allStrings ? .string : .unknown, count: names.count)
        }
        schema = Schema(names.map { Field(name: $0, type: .string) })
        if override == nil && !options.allStrings && !names.isEmpty {
            // Infer from the first batch, which is then returned by the first `next()`.
            if try tokenizeNext() {
                inferTypes()
                firstBatchPending = true
            }
        }
        schema = Schema(zip(names, types).map { Field(name: $0, type: $1.dataType) })
    }

    public var details: [(String, String)] {
        var details = [("encoding", dialect.encoding.rawValue), ("delimiter", dialect.delimiterName),
                       ("quote", dialect.quoteName), ("escape", dialect.escapeName), ("header", dialect.hasHeader ? "yes" : "no")]
        if preamble.skippedLines > 0 { details.append(("skipped_rows", String(preamble.skippedLines))) }
        return details
    }

    // MARK: Header and encoding

    /// From the first MiB of the file's (decompressed) bytes, read through a stream of its own.
    private static func detectEncoding(_ path: String) throws(ConversionError) -> TextEncoding {
        let input = try InputCompression.open(path)
        var prefix = [UInt8](repeating: 0, count: 1 << 20)
        var n = 0
        var ended = false
        while n < prefix.count && !ended {
            let got = try prefix.withMutableBytes { raw throws(ConversionError) in
                try input.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[n...]))
            }
            n += got
            ended = got == 0
        }
        return prefix.withUnsafeBytes { raw in
            TextEncoding.detect(UnsafeRawBufferPointer(rebasing: raw[0..<n]), isWholeFile: ended)
        }
    }

    /// Column names from the header record (or `column_N` without one), made unique.
    private static func readHeader(
        _ buffer: ChunkBuffer, dialect: CSVDialect, tokenizer: inout CSVTokenizer, path: String
    ) throws(ConversionError) -> ([String], ColumnNames) {
        var record: SimpleRecordParser.Record?
        while true {
            let bytes = UnsafeRawBufferPointer(start: buffer.bytes + buffer.start, count: buffer.unconsumed)
            record = SimpleRecordParser.record(bytes, from: 0, dialect: dialect, isFinal: buffer.exhausted)
            if record != nil || buffer.exhausted { break }
            if buffer.start == 0 && buffer.isFull && !buffer.grow() {
                throw ResourceLimits.recordTooLarge(path: path, location: "line \(tokenizer.line)", limit: buffer.limit)
            }
            try buffer.refill()
        }
        guard let record else {
            let rest = UnsafeBufferPointer(start: buffer.bytes + buffer.start, count: buffer.unconsumed)
            if rest.contains(where: { $0 != 0x0A && $0 != 0x0D }) {
                throw .malformedInput(path: path, location: "line 1", reason: "the first record has a quote that is never closed", fix: "close the quote")
            }
            return ([], ColumnNames())  // empty file
        }
        guard record.fields.count <= ResourceLimits.maxColumns else {
            throw ResourceLimits.tooManyColumns(path: path, location: "line \(tokenizer.line)")
        }
        guard dialect.hasHeader else {
            return ((1...record.fields.count).map { "column_\($0)" }, ColumnNames())
        }
        // Lines the header spans (quoted line breaks included).
        for k in 0..<record.next where buffer.bytes[buffer.start + k] == 0x0A { tokenizer.line += 1 }
        if record.next > 0 && buffer.bytes[buffer.start + record.next - 1] != 0x0A { tokenizer.line += 1 }
        buffer.start += record.next
        var names = ColumnNames()
        let unique = record.fields.enumerated().map { offset, bytes in
            names.unique(String(decoding: bytes, as: UTF8.self), position: offset)
        }
        return (unique, names)
    }

    // MARK: Reading

    public func next() throws(ConversionError) -> ReadStep {
        // The encoding changed (possibly while sampling): start over and infer again.
        if encodingSwitched { return .restart(nil, reason: switchReason) }
        if firstBatchPending {
            firstBatchPending = false
        } else if try !tokenizeNext() {
            if encodingSwitched { return .restart(nil, reason: switchReason) }
            finishWarnings()
            return .end
        }
        if let restart = try resolveUnknownColumns() { return restart }
        let builder = CSVBatchBuilder(
            schema: schema, types: types, nullValues: nullValues, quote: dialect.quote ?? CSVDialect.doubleQuote, escape: dialect.escape)
        let columns: [Column]
        do {
            columns = try builder.build(index, UnsafePointer(buffer.bytes))
        } catch {
            return try widen(column: error.column, row: error.row)
        }
        let batch = try RecordBatch.assembled(schema, columns, path: path, location: "the records from line \(chunkLine)")
        rowsRead += batch.rowCount
        progress?.addRows(batch.rowCount)
        return .batch(batch)
    }

    /// Tokenizes the next run of records into `index`; false at the end of the input.
    private func tokenizeNext() throws(ConversionError) -> Bool {
        while true {
            if buffer.unconsumed < buffer.capacity / 2 && !buffer.exhausted { try buffer.refill() }
            let from = buffer.start
            let line = tokenizer.line
            let consumed = try tokenizer.tokenize(
                UnsafePointer(buffer.bytes), from: from, count: buffer.end, isFinal: buffer.exhausted, into: index)
            if validatesUTF8 {
                try validateUTF8(from: from, to: consumed, line: line)
                if encodingSwitched { return false }
            }
            buffer.start = consumed
            // Compressed input reports the compressed bytes taken; the buffer's unconsumed
            // bytes are decompressed ones, not comparable.
            progress?.setBytesRead(input.fileBytesRead - (compressed ? 0 : Int64(buffer.unconsumed)))
            if index.rowCount > 0 {
                chunkStart = from
                chunkLine = line
                return true
            }
            if buffer.exhausted { return false }
            if buffer.start == 0 && buffer.isFull && !buffer.grow() {
                throw ResourceLimits.recordTooLarge(path: path, location: "line \(tokenizer.line)", limit: buffer.limit)
            }
            try buffer.refill()
        }
    }

    private func validateUTF8(from: Int, to end: Int, line: Int) throws(ConversionError) {
        let bytes = UnsafeRawBufferPointer(start: buffer.bytes + from, count: end - from)
        let valid = UTF8Validation.validPrefixLength(bytes, nonASCII: &sawUTF8Text)
        guard valid < bytes.count else { return }
        var badLine = line
        for k in 0..<valid where bytes[k] == 0x0A { badLine += 1 }
        let detected = options.encoding == nil && dialect.encoding == .utf8
        if detected && !sawUTF8Text {
            learned.encoding = .windows1252
            encodingSwitched = true
            switchReason = "line \(badLine) is not valid UTF-8 and the lines before it are ASCII, so the file is read as Windows-1252"
            return
        }
        let skippedBOM = (source as? UTF8ByteSource)?.skippedBOMBytes ?? 0
        let offset = buffer.discarded + Int64(from + valid + skippedBOM)
        throw .malformedInput(
            path: path, location: "line \(badLine) (byte offset \(offset)\(compressed ? " of the decompressed text" : ""))",
            reason: "byte 0x\(String(bytes[valid], radix: 16, uppercase: true)) is not valid UTF-8"
                + (detected ? ", though the lines before it are UTF-8 text (reading the file as Windows-1252 would change them)" : ""),
            fix: "correct that byte; pass --encoding utf-8-replace to read it as U+FFFD (with a warning), or --encoding cp1252 if the whole file is Windows-1252")
    }

    /// The physical line where record `row` of the current chunk starts.
    private func line(ofRow row: Int) -> Int {
        var line = chunkLine
        let target = Int(index.rowOffsets[row])
        var k = chunkStart
        while k < target, let hit = memchr(buffer.bytes + k, 0x0A, target - k) {
            line += 1
            k = (UnsafeMutablePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - buffer.bytes) + 1
        }
        return line
    }

    // MARK: Types

    private func inferTypes() {
        for c in 0..<types.count where types[c] != .string {
            types[c] = inferColumn(c, from: types[c])
        }
    }

    /// Joins the column's type with every value of it in the current chunk.
    private func inferColumn(_ c: Int, from start: InferredType) -> InferredType {
        var type = start
        let base = UnsafePointer(buffer.bytes)
        var slot = c
        for _ in 0..<index.rowCount {
            let s = Int(index.starts[slot]), e = Int(index.ends[slot])
            let kind = index.kinds[slot]
            slot += index.columnCount
            if s == e || isNullText(base + s, e - s) { continue }
            if kind == FieldIndex.Kind.quotedEscaped.rawValue { return .string }
            if type.accepts(base + s, e - s) { continue }
            type = type.widened(by: InferredType.classify(base + s, e - s))
            if type == .string { return .string }
        }
        return type
    }

    private func isNullText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        nullValues.contains { token in token.count == n && token.withUnsafeBufferPointer { memcmp($0.baseAddress!, p, n) == 0 } }
    }

    /// Columns with only nulls so far are written as strings; their first values decide
    /// whether that holds (text) or the file must be read again with a typed column.
    private func resolveUnknownColumns() throws(ConversionError) -> ReadStep? {
        for c in 0..<types.count where types[c] == .unknown {
            let seen = inferColumn(c, from: .unknown)
            if seen == .unknown { continue }
            if seen == .string {
                types[c] = .string
                continue
            }
            let reason = "column '\(schema.fields[c].name)' had only empty values until line \(line(ofRow: 0)), then \(seen) values, so it was widened to \(seen)"
            types[c] = seen
            return try scanRestOfFile(reason: reason)
        }
        return nil
    }

    private func widen(column c: Int, row: Int) throws(ConversionError) -> ReadStep {
        let slot = index.slot(row: row, column: c)
        let s = Int(index.starts[slot]), e = Int(index.ends[slot])
        let text = String(decoding: UnsafeBufferPointer(start: buffer.bytes + s, count: e - s), as: UTF8.self)
        let old = types[c]
        let valueType = index.kinds[slot] == FieldIndex.Kind.quotedEscaped.rawValue
            ? InferredType.string : InferredType.classify(UnsafePointer(buffer.bytes) + s, e - s)
        types[c] = old.widened(by: valueType)
        let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
        let reason = "column '\(schema.fields[c].name)' was inferred as \(old) but line \(line(ofRow: row)) holds '\(shown)', so the column was widened to \(types[c])"
        return try scanRestOfFile(reason: reason)
    }

    /// Infers over the current chunk and everything after it; the result holds every value.
    private func scanRestOfFile(reason: String) throws(ConversionError) -> ReadStep {
        repeat {
            inferTypes()
        } while try tokenizeNext()
        if encodingSwitched { return .restart(nil, reason: switchReason) }
        let widened = Schema(zip(schema.fields, types).map { Field(name: $0.name, type: $1.dataType) })
        return .restart(widened, reason: reason)
    }

    /// Reads to the end inferring types; returns the exact row count and schema.
    public func scanToEnd() throws(ConversionError) -> (Int, Schema) {
        var rows = 0
        if firstBatchPending {
            firstBatchPending = false
            rows += index.rowCount
        }
        while try tokenizeNext() {
            inferTypes()
            rows += index.rowCount
        }
        if encodingSwitched {
            warnings = [switchReason]
            return (rows, schema)
        }
        schema = Schema(zip(schema.fields, types).map { Field(name: $0.name, type: $1.dataType) })
        finishWarnings()
        return (rows, schema)
    }

    private func finishWarnings() {
        warnings.removeAll()
        if let replaced = (source as? UTF8ReplacingByteSource)?.warning(path: path) { warnings.append(replaced) }
        if let headerWarning { warnings.append(headerWarning) }
        if preamble.titleRows > 0 {
            warnings.append(TitleRows.note(rows: preamble.titleRows, titles: preamble.titles, header: "line \(preamble.lines + 1)", skipRows: preamble.skippedLines))
        }
        if schema.fields.isEmpty {
            warnings.append("'\(path)' is empty: the output has no columns and no rows.")
        }
        if tokenizer.shortRows > 0 {
            warnings.append("\(tokenizer.shortRows) record(s) had fewer fields than the header; their missing fields are null.")
        }
        if tokenizer.longRows > 0 {
            warnings.append("\(tokenizer.longRows) record(s) had more fields than the header; the extra fields were dropped (--allow-ragged).")
        }
    }
}

extension StringProtocol {
    public func trimmingTrailingWhitespace() -> Substring {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
