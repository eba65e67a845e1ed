import Platform
import Columnar
import FormatKit

/// How JSON input is read.
public struct JSONOptions: Sendable, Equatable {
    /// Nested objects become dotted columns (`address.city`); otherwise JSON text.
    public var flatten: Bool
    public var allStrings: Bool
    /// The member path of the array of records in a top-level object (`--record-path a.b`);
    /// nil: found by `JSONRecordsLocation.detect` when the file is one object; empty: the
    /// top-level values are the records, never looked for inside an object (NDJSON of one
    /// line is one record, whatever arrays it holds).
    public var recordPath: [String]?
    /// The largest record read before refusing the file (`--max-record-bytes`).
    public var maxRecordBytes = ResourceLimits.defaultMaxRecordBytes

    public init(flatten: Bool = true, allStrings: Bool = false, recordPath: [String]? = nil) {
        self.flatten = flatten
        self.allStrings = allStrings
        self.recordPath = recordPath
    }

    /// `a.b` → ["a", "b"]; nil for an empty path or an empty component.
    public static func parseRecordPath(_ text: String) -> [String]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return parts
    }
}

/// A JSON file of records: an array of objects (`.json`) or one object per line
/// (`.jsonl`, `.ndjson`; concatenated objects are accepted too).
public struct JSONSource: TableSource {
    public let path: String
    public let options: JSONOptions
    public var formatName: String { "json" }

    public init(path: String, options: JSONOptions) {
        self.path = path
        self.options = options
    }

    public func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        try JSONReader(path: path, options: options, schema: schema, progress: progress)
    }

    public func scan() throws(ConversionError) -> (reader: JSONReader, rows: Int, schema: Schema) {
        let reader = try JSONReader(path: path, options: options, schema: nil, progress: nil)
        let (rows, schema) = try reader.scanToEnd()
        return (reader, rows, schema)
    }
}

/// Streams JSON records as typed batches. Record boundaries are found by a byte scan
/// (depth and string state), then each record is parsed from its bytes. Types and
/// columns come from the first batch; a later key or a value needing a wider type makes
/// the reader scan the rest and ask for one restart.
public final class JSONReader: TableReader {
    public let path: String
    public private(set) var schema: Schema
    public private(set) var warnings: [String] = []
    private let options: JSONOptions
    private let source: ByteSource
    private let compressed: Bool
    private let buffer: ChunkBuffer
    private let progress: ProgressCounter?
    private var parser: JSONRecordParser
    private var types: [InferredType]
    private var framing = Framing()
    /// The member path of the records' array when the file is an object (nil: the file is
    /// the array, or one object per line).
    private var recordPath: [String]?
    /// What the reader decided that the user should know (kept across batches).
    private var notes: [String] = []
    /// Records holding a key twice (the earlier value is lost), counted once each although
    /// the first batch is parsed twice; the first one's line and key.
    private var repeatedKeyRecords = 0
    private var repeatedKeyCountedThrough = 0
    private var firstRepeatedKey: (line: Int, name: String)?

    enum Layout { case array, objects }

    /// Where the reader is in the file's structure; saved and restored around the
    /// inference pass over the first batch.
    struct Framing {
        var layout: Layout?
        /// The records' array sits this many objects deep (`{"a": {"b": [ … ]}}`: 2); after
        /// its ']' the rest of those objects is walked past (`tail`) to the end.
        var wrapperDepth = 0
        var tail: JSONStructureWalk?
        var tailDone = false
        /// In an array, after a record: a ',' or the closing ']' comes next.
        var expectingSeparator = false
        var closedArray = false
        var finished = false
        var line = 1
        var records = 0
        var start = 0
    }

    static let batchRecords = 65_536

    init(path: String, options: JSONOptions, schema override: Schema?, progress: ProgressCounter?) throws(ConversionError) {
        self.path = path
        self.options = options
        self.progress = progress
        source = try JSONInput.open(path)
        compressed = InputCompression(path: path) != .none
        buffer = ChunkBuffer(source: source, capacity: 8 << 20, limit: ResourceLimits.recordLimit(options.maxRecordBytes))
        parser = JSONRecordParser(flatten: options.flatten, names: override?.fields.map(\.name) ?? [])
        types = override?.fields.map { InferredType(override: $0.type) } ?? []
        schema = override ?? Schema([])
        try buffer.refill()
        var located: (path: [String], ignored: [String])?
        if let chosen = options.recordPath {
            located = chosen.isEmpty ? nil : (chosen, [])
        } else {
            located = try JSONRecordsLocation.detect(path: path)
        }
        if let located {
            recordPath = located.path
            if !located.ignored.isEmpty {
                let names = located.ignored.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (located.ignored.count > 5 ? ", …" : "")
                notes.append("the records are the array under '\(located.path.joined(separator: "."))'; the object's other members (\(names)) were not converted")
            }
            try enterRecordsArray(located.path)
        }
        if override == nil {
            // Infer columns and types from the first batch, then rewind to convert it. The
            // buffer is not refilled meanwhile (which would move its bytes).
            try bufferFirstRecord()
            let saved = framing
            framing.start = buffer.start
            _ = try records(limit: Self.batchRecords, createColumns: true, allowRefill: false) { _ in true }
            framing = saved
            buffer.start = saved.start
            if options.allStrings { types = types.map { _ in .string } }
            schema = currentSchema
        }
    }

    public var details: [(String, String)] {
        let layout = recordPath.map { "array of objects under '\($0.joined(separator: "."))'" }
            ?? (framing.layout == .array ? "array of objects" : "one object per line")
        return [("layout", layout), ("flatten", options.flatten ? "yes" : "no")]
    }

    /// Walks from the start of the file to just inside the '[' of the array at `path`,
    /// consuming what comes before it (of any size) chunk by chunk.
    private func enterRecordsArray(_ members: [String]) throws(ConversionError) {
        let wanted = members.map { Array($0.utf8) }
        var walk = JSONStructureWalk()
        var matched = 0
        var pending = false
        func missing(_ reason: String) -> JSONStructureWalk.Failure { .init(offset: -1, reason: reason) }
        while true {
            let stop: Int?
            do {
                stop = try walk.feed(UnsafePointer(buffer.bytes), from: buffer.start, to: buffer.end) { event, depth throws(JSONStructureWalk.Failure) in
                    switch event {
                    case .value(let byte):
                        if depth == 0 && byte != UInt8(ascii: "{") {
                            throw missing("the file is not one JSON object, so it has no member '\(members[0])' (--record-path selects an array inside an object)")
                        }
                        guard pending && depth == matched + 1 else { return true }
                        pending = false
                        let name = members[0...matched].joined(separator: ".")
                        if matched + 1 == members.count {
                            guard byte == UInt8(ascii: "[") else { throw missing("'\(name)' is not an array of records") }
                            return false
                        }
                        guard byte == UInt8(ascii: "{") else { throw missing("'\(name)' is not an object, so it has no member '\(members[matched + 1])'") }
                        matched += 1
                    case .key(let key):
                        if depth == matched + 1 { pending = key == wanted[matched] }
                    case .closed:
                        if depth <= matched {
                            let within = matched == 0 ? "the top-level object" : "'\(members[0..<matched].joined(separator: "."))'"
                            throw missing("\(within) has no member '\(members[matched])'")
                        }
                    }
                    return true
                }
            } catch {
                if error.offset < 0 {  // the structure is fine; the path does not fit it
                    throw .invalidOption(
                        "--record-path \(members.joined(separator: ".")) does not fit '\(path)': \(error.reason). Check the member names (separated by '.', e.g. data.items).")
                }
                throw malformed(at: error.offset, error.reason)
            }
            if let stop {
                framing.line += walk.newlines
                buffer.start = stop
                framing.start = stop
                framing.layout = .array
                framing.wrapperDepth = members.count
                return
            }
            guard !buffer.exhausted else {
                throw .malformedInput(
                    path: path, location: "line \(framing.line + walk.newlines)", reason: "the file ends before the array of records '\(members.joined(separator: "."))' starts",
                    fix: "check that the file is complete")
            }
            buffer.start = buffer.end
            try buffer.refill()
        }
    }

    private var currentSchema: Schema {
        Schema(zip(parser.names, types).map { Field(name: String(decoding: $0, as: UTF8.self), type: $1.dataType) })
    }

    // MARK: Record framing

    /// Reads until the first record is wholly in the buffer (or the input ends), without
    /// consuming anything.
    private func bufferFirstRecord() throws(ConversionError) {
        while true {
            let saved = framing
            var complete = true
            if let start = try scanRecord() {
                var scanner = JSONScanner(UnsafePointer(buffer.bytes), from: start, to: buffer.end)
                do {
                    try parser.parse(&scanner)
                } catch {
                    complete = !scanner.ranOut(error)
                }
            }
            framing = saved
            buffer.start = saved.start
            if complete || buffer.exhausted { return }
            if buffer.isFull && !buffer.grow() { throw recordTooLarge() }
            try buffer.refill()
        }
    }

    /// Finds and parses up to `limit` complete records, calling `body` after each; stops
    /// early when `body` returns false. Returns the number of records parsed.
    private func records(
        limit: Int, createColumns: Bool, allowRefill: Bool = true, byteLimit: Int = .max,
        _ body: (inout JSONRecordParser) throws(ConversionError) -> Bool
    ) throws(ConversionError) -> Int {
        var count = 0
        var bytes = 0
        while count < limit && bytes < byteLimit && !framing.finished {
            guard let start = try nextRecordStart(allowRefill: allowRefill) else { break }
            var scanner = JSONScanner(UnsafePointer(buffer.bytes), from: start, to: buffer.end)
            do {
                try parser.parse(&scanner)
            } catch {
                // A record cut by the end of the buffer: read on and parse it again.
                guard scanner.ranOut(error), !buffer.exhausted else { throw malformed(at: error.offset, error.reason) }
                guard allowRefill else { break }
                if buffer.start == 0 && buffer.isFull && !buffer.grow() { throw recordTooLarge() }
                try buffer.refill()
                framing.start = buffer.start
                continue
            }
            let end = scanner.position
            let valid = UTF8Validation.validPrefixLength(UnsafeRawBufferPointer(start: buffer.bytes + start, count: end - start))
            if valid < end - start {
                throw malformed(at: start + valid, "byte 0x\(String(buffer.bytes[start + valid], radix: 16, uppercase: true)) is not valid UTF-8 (JSON text must be UTF-8)")
            }
            if parser.names.count > ResourceLimits.maxColumns {
                throw ResourceLimits.tooManyColumns(path: path, location: "line \(framing.line) (record \(framing.records + 1))")
            }
            framing.records += 1
            if framing.records > repeatedKeyCountedThrough {
                repeatedKeyCountedThrough = framing.records
                if let column = parser.repeatedKey {
                    repeatedKeyRecords += 1
                    if firstRepeatedKey == nil { firstRepeatedKey = (framing.line, String(decoding: parser.names[column], as: UTF8.self)) }
                }
            }
            framing.expectingSeparator = framing.layout == .array
            var k = start
            while k < end, let hit = memchr(buffer.bytes + k, 0x0A, end - k) {
                framing.line += 1
                k = UnsafeMutablePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - buffer.bytes + 1
            }
            buffer.start = end
            framing.start = end
            if createColumns { absorbTypes() }
            count += 1
            bytes += end - start
            guard try body(&parser) else { break }
        }
        // Bytes of the file on disk; compressed input reports the compressed bytes read so far
        // (the buffer's unconsumed bytes are decompressed ones, not comparable).
        progress?.setBytesRead(source.fileBytesRead - (compressed ? 0 : Int64(buffer.unconsumed)))
        return count
    }

    /// Joins the current record's value types into the column types (inference).
    private func absorbTypes() {
        while types.count < parser.names.count { types.append(options.allStrings ? .string : .unknown) }
        let input = UnsafePointer(buffer.bytes)
        parser.scratch.withUnsafeBufferPointer { scratch in
            for i in parser.presentColumns where types[i] != .string {
                let slot = parser.slots[i]
                let text = parser.text(slot, input: input, scratch: scratch)
                let t = inferredType(of: slot.kind, text)
                if t == .unknown || types[i] == t { continue }
                types[i] = types[i].join(t)
            }
        }
    }

    /// Where the next record starts in the buffer, reading more input when allowed.
    private func nextRecordStart(allowRefill: Bool) throws(ConversionError) -> Int? {
        while true {
            if let start = try scanRecord() { return start }
            if framing.finished || !allowRefill { return nil }
            if buffer.exhausted {
                throw malformed(at: buffer.end, framing.layout == .array ? "the array is not closed with ']'" : "the last record is cut off")
            }
            if buffer.start == 0 && buffer.isFull && !buffer.grow() { throw recordTooLarge() }
            try buffer.refill()
        }
    }

    /// Moves past whitespace and array punctuation to the next record's '{'; nil when
    /// more input is needed or the input is finished.
    private func scanRecord() throws(ConversionError) -> Int? {
        let bytes = buffer.bytes
        let end = buffer.end
        var pos = buffer.start
        func skipSpace() {
            while pos < end {
                let c = bytes[pos]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                if c == 0x0A { framing.line += 1 }
                pos += 1
            }
        }
        func consume() {
            buffer.start = pos
            framing.start = pos
        }
        skipSpace()
        consume()
        if framing.layout == nil {
            guard pos < end else {
                if buffer.exhausted { framing.finished = true }
                return nil
            }
            switch bytes[pos] {
            case UInt8(ascii: "["):
                framing.layout = .array
                pos += 1
                skipSpace()
                consume()
            case UInt8(ascii: "{"):
                framing.layout = .objects
            default:
                throw malformed(at: pos, "the file does not start with '[' or '{' (JSON records expected)")
            }
        }
        if framing.layout == .array {
            if !framing.closedArray && pos < end && bytes[pos] == UInt8(ascii: "]") && (framing.expectingSeparator || framing.records == 0) {
                framing.closedArray = true
                pos += 1
                skipSpace()
                consume()
            } else if framing.expectingSeparator && pos < end {
                guard bytes[pos] == UInt8(ascii: ",") else { throw malformed(at: pos, "expected ',' or ']' between records") }
                framing.expectingSeparator = false
                pos += 1
                skipSpace()
                consume()
            }
            if framing.closedArray && framing.wrapperDepth > 0 && !framing.tailDone {
                // The rest of the objects around the records: walked past, not converted.
                var walk = framing.tail ?? JSONStructureWalk(insideObjects: framing.wrapperDepth)
                let before = walk.newlines
                let stop: Int?
                do {
                    stop = try walk.feed(UnsafePointer(bytes), from: pos, to: end) { event, depth in
                        if case .closed = event, depth == 0 { return false }
                        return true
                    }
                } catch {
                    throw malformed(at: error.offset, error.reason)
                }
                framing.line += walk.newlines - before
                framing.tail = walk
                if let stop {
                    framing.tailDone = true
                    pos = stop
                    skipSpace()
                    consume()
                } else {
                    pos = end
                    consume()
                    if buffer.exhausted { throw malformed(at: pos, "the object around the records is not closed with '}'") }
                    return nil
                }
            }
            if framing.closedArray {
                if pos < end { throw malformed(at: pos, framing.wrapperDepth > 0 ? "there is more text after the object that holds the records" : "there is more text after the closing ']'") }
                if buffer.exhausted { framing.finished = true }
                return nil
            }
        }
        guard pos < end else {
            if buffer.exhausted {
                if framing.layout == .array { throw malformed(at: pos, "the array is not closed with ']'") }
                framing.finished = true
            }
            return nil
        }
        guard bytes[pos] == UInt8(ascii: "{") else { throw malformed(at: pos, "a record is not a JSON object") }
        return pos
    }

    private func recordTooLarge() -> ConversionError {
        ResourceLimits.recordTooLarge(path: path, location: "line \(framing.line) (record \(framing.records + 1))", limit: buffer.limit)
    }

    private func malformed(at offset: Int, _ reason: String) -> ConversionError {
        var line = framing.line
        var k = buffer.start
        while k < min(offset, buffer.end) {
            if buffer.bytes[k] == 0x0A { line += 1 }
            k += 1
        }
        return .malformedInput(path: path, location: "line \(line)", reason: reason, fix: "check that the file is complete, valid JSON (an array of objects, or one object per line)")
    }

    // MARK: Batches

    public func next() throws(ConversionError) -> ReadStep {
        // Wide tables get fewer records per batch: a batch holds records × columns values.
        let batchRecords = ResourceLimits.batchRows(Self.batchRecords, columns: types.count)
        var builders = types.map { JSONColumnBuilder(type: $0, capacity: Swift.min(4096, batchRecords)) }
        var mismatch: (column: Int, type: InferredType)? = nil
        var newColumn = false
        // A batch also ends at the memory budget's share of text (records of long values).
        let count = try records(limit: batchRecords, createColumns: false, byteLimit: MemoryBudget.current.batchBytes) { parser throws(ConversionError) in
            if parser.names.count > builders.count {
                newColumn = true
                return false
            }
            var ok = true
            let input = UnsafePointer(buffer.bytes)
            parser.scratch.withUnsafeBufferPointer { scratch in
                for (i, slot) in parser.slots.enumerated() {
                    guard slot.present else {
                        builders[i].appendNull()
                        continue
                    }
                    let text = parser.text(slot, input: input, scratch: scratch)
                    if !builders[i].append(slot.kind, text) {
                        mismatch = (i, types[i].widened(by: inferredType(of: slot.kind, text)))
                        ok = false
                        return
                    }
                }
            }
            return ok
        }
        if let mismatch {
            let name = String(decoding: parser.names[mismatch.column], as: UTF8.self)
            let reason = "column '\(name)' was inferred as \(types[mismatch.column]) but line \(framing.line) holds a value that needs \(mismatch.type), so the column was widened"
            types[mismatch.column] = mismatch.type
            return try scanRestAndRestart(reason: reason)
        }
        if newColumn {
            let name = String(decoding: parser.names[types.count], as: UTF8.self)
            return try scanRestAndRestart(reason: "key '\(name)' first appears near line \(framing.line), so the schema was widened with a new column")
        }
        if count == 0 {
            finishWarnings()
            return .end
        }
        // A column typed only by nulls so far becomes text once text shows up.
        let batchSchema = schema
        let columns = builders.map { $0.column() }
        progress?.addRows(count)
        do {
            return .batch(try RecordBatch(schema: batchSchema, columns: columns))
        } catch {
            throw .outputFailed(path: path, reason: error.description)
        }
    }

    /// Infers over the rest of the input (the current record included) and asks for a restart.
    private func scanRestAndRestart(reason: String) throws(ConversionError) -> ReadStep {
        absorbTypes()
        while try records(limit: Int.max, createColumns: true, { _ in true }) > 0 {}
        return .restart(currentSchema, reason: reason)
    }

    func scanToEnd() throws(ConversionError) -> (Int, Schema) {
        var rows = 0
        while true {
            let n = try records(limit: Int.max, createColumns: true) { _ in true }
            if n == 0 { break }
            rows += n
        }
        schema = currentSchema
        finishWarnings()
        return (rows, schema)
    }

    private func finishWarnings() {
        warnings = notes + (framing.records == 0 ? ["'\(path)' holds no records: the output has no columns and no rows."] : [])
        if let clash = parser.clashWarning(in: path) { warnings.append(clash) }
        if let first = firstRepeatedKey {
            warnings.append("\(repeatedKeyRecords) record(s) in '\(path)' hold a key twice; only the last value of each is kept (as in JavaScript and Python), the first near line \(first.line) with key '\(first.name)'.")
        }
    }
}
