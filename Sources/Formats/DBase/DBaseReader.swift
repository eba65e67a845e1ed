import Columnar
import FormatKit

/// Reads a dBase table in chunks of records, decoding each field straight from the record
/// bytes into its column.
final class DBaseReader: TableReader {
    let schema: Schema
    private let table: DBaseTable
    private let options: DBaseOptions
    private let decoders: [DBaseColumnDecoder]
    private let nullFlagsOffset: Int?
    private let progress: ProgressCounter?
    private let rowsPerRead: Int
    private var buffer: [UInt8]
    private var nextRecord = 0
    private(set) var deleted = 0
    private(set) var rows = 0

    init(table: DBaseTable, options: DBaseOptions, progress: ProgressCounter?) {
        self.table = table
        self.options = options
        self.progress = progress
        let header = table.header
        var decoders: [DBaseColumnDecoder] = []
        var names = ColumnNames()
        var fields: [Field] = []
        var bit = 0
        for field in header.fields where !field.isSystem {
            var lengthBit: Int?
            var nullBit: Int?
            if header.isVisualFoxPro && (field.type == "V" || field.type == "Q") {
                lengthBit = bit
                bit += 1
            }
            if header.isVisualFoxPro && field.isNullable {
                nullBit = bit
                bit += 1
            }
            let decoder = DBaseColumnDecoder(
                field: field, visualFoxPro: header.isVisualFoxPro, codePage: table.codePage, memo: table.memo,
                nullBit: nullBit, lengthBit: lengthBit)
            decoders.append(decoder)
            fields.append(Field(name: names.unique(field.name, position: fields.count), type: decoder.type))
        }
        if options.includeDeleted {
            fields.append(Field(name: names.unique(DBaseOptions.deletedColumn, position: fields.count), type: .boolean, nullable: false))
        }
        self.decoders = decoders
        schema = Schema(fields)
        nullFlagsOffset = header.fields.first { $0.type == "0" }?.offset
        rowsPerRead = max(1, min(65_536, (4 << 20) / header.recordLength))
        buffer = []
    }

    func next() throws(ConversionError) -> ReadStep {
        let header = table.header
        while nextRecord < header.recordCount {
            let count = min(rowsPerRead, header.recordCount - nextRecord)
            let offset = Int64(header.headerLength) + Int64(nextRecord) * Int64(header.recordLength)
            let length = count * header.recordLength
            if buffer.count < length { buffer = [UInt8](repeating: 0, count: length) }
            let got = try buffer.withMutableBytes { (raw) throws(ConversionError) in
                try table.file.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<length]))
            }
            guard got == length else {
                throw .malformedInput(
                    path: table.path, location: "record \(nextRecord + got / header.recordLength + 1)",
                    reason: "the file ended while it was being read", fix: "convert a copy that is not being written to")
            }
            nextRecord += count
            progress?.setBytesRead(offset + Int64(length))
            if let batch = try decode(count: count) { return .batch(batch) }
        }
        return .end
    }

    /// The batch of the `count` records in the buffer; nil when all of them are deleted.
    private func decode(count: Int) throws(ConversionError) -> RecordBatch? {
        let recordLength = table.header.recordLength
        var kept: [Int] = []
        kept.reserveCapacity(count)
        var flags: [UInt8] = []
        try buffer.withBuffer { (bytes) throws(ConversionError) in
            for row in 0..<count {
                let isDeleted = bytes[row * recordLength] == 0x2A
                if isDeleted { deleted += 1 }
                if !isDeleted || options.includeDeleted {
                    kept.append(row)
                    flags.append(isDeleted ? 1 : 0)
                }
            }
        }
        guard !kept.isEmpty else { return nil }
        var columns: [Column] = []
        columns.reserveCapacity(schema.count)
        try buffer.withBuffer { (bytes) throws(ConversionError) in
            let records = DBaseRecords(bytes: bytes.baseAddress!, recordLength: recordLength, rows: kept, nullFlagsOffset: nullFlagsOffset)
            for decoder in decoders { columns.append(try decoder.decode(records)) }
        }
        if options.includeDeleted { columns.append(Column(.booleans(flags))) }
        rows += kept.count
        progress?.addRows(kept.count)
        do {
            return try RecordBatch(schema: schema, columns: columns)
        } catch {
            throw .malformedInput(path: table.path, location: "record \(nextRecord)", reason: error.description, fix: "report this file to the pyforge developers")
        }
    }

    var warnings: [String] {
        decoders.flatMap(\.warnings)
    }

    var details: [(String, String)] {
        let header = table.header
        var details: [(String, String)] = [
            ("version", header.versionName),
            ("code_page", "\(table.codePage.rawValue) (\(table.codePageSource))"),
            ("language_driver", "0x" + String(header.languageDriver, radix: 16, uppercase: true)),
            ("last_update", header.lastUpdateText ?? "unknown"),
            ("records", String(header.recordCount)),
        ]
        if nextRecord == header.recordCount { details.append(("deleted_records", String(deleted))) }
        if let memo = table.memo { details.append(("memo_file", memo.path)) }
        return details
    }
}
