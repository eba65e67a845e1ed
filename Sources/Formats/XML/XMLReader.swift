import Columnar
import FormatKit

/// An XML file (optionally .gz, .bz2 or .zst) as a table source.
public struct XMLSource: TableSource {
    public let path: String
    public let options: XMLOptions
    public var formatName: String { "xml" }

    public init(path: String, options: XMLOptions) {
        self.path = path
        self.options = options
    }

    public func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        try XMLReader(path: path, options: options, schema: schema, progress: progress)
    }

    /// Reads the whole file without converting: exact row count and the schema that holds every value.
    public func scan() throws(ConversionError) -> (reader: XMLReader, rows: Int, schema: Schema) {
        let reader = try XMLReader(path: path, options: options, schema: nil, progress: nil)
        let (rows, schema) = try reader.scanToEnd()
        return (reader, rows, schema)
    }
}

/// Streams records of an XML document as typed batches. Like the CSV reader it infers
/// types from the first batch and, when a later value needs a wider type or a column
/// first appears late, scans the rest of the file and asks for one restart with the
/// schema that holds everything (one pass in the common case, two at most).
public final class XMLReader: TableReader {
    public let path: String
    public private(set) var schema: Schema
    public private(set) var warnings: [String] = []
    private let options: XMLOptions
    private let recordDescription: String
    private let input: InputByteStream
    private let builder: XMLRecordBuilder
    private let parser: XMLPushParser
    private let buffer: UnsafeMutableRawBufferPointer
    private var types: [InferredType]
    private let progress: ProgressCounter?
    private var firstBatchPending = false
    private var ended = false
    private var rowsRead = 0

    static let chunkSize = 1 << 18
    static let batchRows = 65_536

    init(path: String, options: XMLOptions, schema override: Schema?, progress: ProgressCounter?) throws(ConversionError) {
        self.path = path
        self.options = options
        self.progress = progress
        let selector: XMLRecordBuilder.Selector?
        let tags = options.rowTags
        if tags.count > 1 {
            selector = .tags(tags.map { Array($0.utf8CString) })
            recordDescription = tags.map { "//" + $0 }.joined(separator: " | ")
        } else if let tag = tags.first {
            selector = .tag(Array(tag.utf8CString))
            recordDescription = "//" + tag
        } else if let recordPath = try Self.recordPath(options, path) {
            selector = .path(recordPath.map { Array($0.utf8CString) })
            recordDescription = recordPath.joined(separator: "/")
        } else {
            selector = nil
            recordDescription = "(none: the root element has no children)"
        }
        input = try InputCompression.open(path)
        builder = XMLRecordBuilder(
            selector: selector ?? .tag(Array("".utf8CString)), options: options,
            fixedColumns: override.map { $0.fields.map(\.name) })
        parser = XMLPushParser(path: path, sink: builder)
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
        if let override {
            types = override.fields.map { InferredType(override: $0.type) }
        } else {
            types = []
        }
        schema = Schema([])
        if override == nil {
            // Infer from the first batch, which is then returned by the first `next()`.
            if try collectNext() {
                inferTypes()
                firstBatchPending = true
            }
        }
        schema = currentSchema()
    }

    deinit { buffer.deallocate() }

    private static func recordPath(_ options: XMLOptions, _ path: String) throws(ConversionError) -> [String]? {
        if let given = options.recordPath { return given }
        return try XMLRecordDetector.detect(path: path)
    }

    public var details: [(String, String)] {
        [("record", recordDescription), ("compression", InputCompression(path: path).rawValue),
         ("flatten_strategy", options.flatten.rawValue), ("array_handling", options.arrays.rawValue),
         ("namespace_handling", options.namespaces.rawValue)]
    }

    private func currentSchema() -> Schema {
        Schema(zip(builder.columns, types).map { Field(name: $0.name, type: $1.dataType) })
    }

    // MARK: Reading

    public func next() throws(ConversionError) -> ReadStep {
        if firstBatchPending {
            firstBatchPending = false
        } else if try !collectNext() {
            finishWarnings()
            return .end
        }
        if builder.columns.count > types.count {
            let name = builder.columns[types.count].name
            let reason = "'\(name)' first appears after row \(rowsRead + 1)"
            return try scanRestOfFile(reason: reason)
        }
        if let restart = try resolveUnknownColumns() { return restart }
        var columns: [Column] = []
        columns.reserveCapacity(types.count)
        for c in types.indices {
            do throws(XMLColumnTyping.Mismatch) {
                columns.append(try XMLColumnTyping.build(builder.columns[c], as: types[c]))
            } catch {
                return try widen(column: c, row: error.row)
            }
        }
        let batch = try RecordBatch.assembled(schema, columns, path: path, location: "the records after record \(rowsRead)")
        rowsRead += batch.rowCount
        progress?.addRows(batch.rowCount)
        return .batch(batch)
    }

    /// Parses chunks until a batch of rows is collected; false at the end of the input.
    private func collectNext() throws(ConversionError) -> Bool {
        builder.resetBatch()
        // Wide tables get fewer rows per batch: a batch holds rows × columns values; and a
        // batch ends at the memory budget's share of text (records of long values).
        let textLimit = MemoryBudget.current.batchBytes
        while !ended && builder.rows < ResourceLimits.batchRows(Self.batchRows, columns: builder.columns.count)
            && builder.columns.reduce(0, { $0 + $1.byteCount }) < textLimit {
            let n = try input.read(into: buffer)
            try parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), isFinal: n == 0)
            if n == 0 { ended = true }
            progress?.setBytesRead(input.fileBytesRead)
            if builder.tooManyColumns { throw ResourceLimits.tooManyColumns(path: path, location: "line \(parser.line)") }
            if let name = builder.unexpectedColumn {
                throw .invalidOption("'\(path)' changed while it was being read: it now has a field '\(name)' that the first reading did not see.")
            }
        }
        return builder.rows > 0
    }

    // MARK: Types

    private func inferTypes() {
        while types.count < builder.columns.count {
            let isKind = builder.columns[types.count].name == XMLRecordBuilder.recordKindColumn
            types.append(options.allStrings || isKind ? .string : .unknown)
        }
        for c in types.indices where types[c] != .string {
            types[c] = XMLColumnTyping.infer(builder.columns[c], from: types[c])
        }
    }

    /// Columns with only nulls so far are written as strings; their first values decide
    /// whether that holds (text) or the file must be read again with a typed column.
    private func resolveUnknownColumns() throws(ConversionError) -> ReadStep? {
        for c in types.indices where types[c] == .unknown {
            let seen = XMLColumnTyping.infer(builder.columns[c], from: .unknown)
            if seen == .unknown { continue }
            if seen == .string {
                types[c] = .string
                continue
            }
            types[c] = seen
            return try scanRestOfFile(reason: "'\(builder.columns[c].name)' had only empty values until row \(rowsRead + 1), then \(seen) values")
        }
        return nil
    }

    private func widen(column c: Int, row: Int) throws(ConversionError) -> ReadStep {
        let column = builder.columns[c]
        let value = column.value(row)
        let text = String(decoding: value, as: UTF8.self)
        let old = types[c]
        types[c] = old.join(InferredType.classify(value.baseAddress!, value.count))
        let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
        return try scanRestOfFile(reason: "'\(column.name)' was inferred as \(old) but row \(rowsRead + row + 1) holds '\(shown)'")
    }

    /// Infers over the current batch and everything after it; the result holds every value.
    private func scanRestOfFile(reason: String) throws(ConversionError) -> ReadStep {
        repeat {
            inferTypes()
        } while try collectNext()
        return .restart(currentSchema(), reason: reason)
    }

    /// Reads to the end inferring types; returns the exact row count and schema.
    func scanToEnd() throws(ConversionError) -> (Int, Schema) {
        var rows = 0
        if firstBatchPending {
            firstBatchPending = false
            rows += builder.rows
        }
        while try collectNext() {
            inferTypes()
            rows += builder.rows
        }
        inferTypes()
        schema = currentSchema()
        finishWarnings()
        return (rows, schema)
    }

    private func finishWarnings() {
        warnings.removeAll()
        if schema.fields.isEmpty {
            warnings.append("'\(path)' has no records under \(recordDescription): the output has no columns and no rows.")
        }
        if let skipped = XMLSkippedKinds.warning(path: path, tally: builder.siblings) { warnings.append(skipped) }
        if let clash = builder.clashWarning(in: path) { warnings.append(clash) }
    }
}
