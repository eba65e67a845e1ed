import Columnar

/// The bytes of one finished column chunk and its footer metadata.
struct FinishedChunk {
    var dictionaryPage: [UInt8]
    /// Each data page (header and body) in its own buffer: no contiguous buffer grows
    /// (and is copied) as the row group fills.
    var dataPages: [[UInt8]]
    var metaData: ColumnMetaData
    /// One per data page, in order, when the page index is written.
    var pageSummaries: [PageSummary]
    var bloomFilter: SplitBlockBloomFilter?
}

/// Splits one column into data pages (definition levels + encoded values, compressed)
/// and assembles them into a column chunk when the row group ends.
final class ColumnChunkWriter {
    let descriptor: ColumnDescriptor
    private let encoder: ValueEncoder
    private let compressor: PageCompressor
    private let pageBytes: Int
    private let byteArrayPageLimit: Int

    // Current page.
    private var pageValidity: [UInt8] = []
    private var pageRows = 0
    private var pageNulls = 0

    // Current chunk.
    private var dataPages: [[UInt8]] = []
    private var chunkRows = 0
    private var chunkNulls = 0
    private var uncompressedBytes = 0
    private var compressedBytes = 0
    private var pageEncodingCounts: [Encoding: Int32] = [:]
    private let recordsPageSummaries: Bool
    private var pageSummaries: [PageSummary] = []
    private let bloomFilter: BloomFilterCollector?

    // Scratch buffers reused across pages.
    private var body: [UInt8] = []
    private var compressed: [UInt8] = []

    /// Rows appended to a page in one step, so that a page never overshoots its size by much.
    private static let appendSlice = 4096

    init(_ descriptor: ColumnDescriptor, options: WriterOptions) throws(ParquetError) {
        self.descriptor = descriptor
        encoder = descriptor.makeEncoder(options)
        compressor = try PageCompressor(codec: options.compression, level: options.compressionLevel)
        pageBytes = options.pageBytes
        byteArrayPageLimit = options.byteArrayPageLimit
        recordsPageSummaries = options.pageIndex
        bloomFilter =
            options.bloomFilterColumns.includes(descriptor.field.name) && descriptor.physicalType != .boolean
            ? BloomFilterCollector(decimalByteWidth: Int(descriptor.element.typeLength ?? 16)) : nil
    }

    /// Encoded, uncompressed bytes of the chunk so far (finished pages plus the open one).
    var estimatedBytes: Int { uncompressedBytes + encoder.bufferedBytes + pageRows / 8 }

    func append(_ column: Column, rows: Range<Int>) throws(ParquetError) {
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = try sliceEnd(column.values, from: start, to: Swift.min(rows.upperBound, start + Self.appendSlice))
            if let validity = column.validity {
                try validity.withBuffer { v throws(ParquetError) in
                    try encoder.append(column.values, validity: v, rows: start..<end)
                    bloomFilter?.add(column.values, validity: v, rows: start..<end)
                    try recordLevels(UnsafeBufferPointer(rebasing: v[start..<end]))
                }
            } else {
                try encoder.append(column.values, validity: nil, rows: start..<end)
                bloomFilter?.add(column.values, validity: nil, rows: start..<end)
                if descriptor.isOptional {
                    pageValidity.append(contentsOf: repeatElement(1, count: end - start))
                }
            }
            pageRows += end - start
            if encoder.bufferedBytes >= pageBytes { try flushPage() }
            start = end
        }
    }

    /// Where a slice starting at `start` ends so that a byte-array column's page buffer stays
    /// within `byteArrayPageLimit`: the open page is flushed first when even the next value
    /// does not fit beside it. Other columns take the whole slice.
    private func sliceEnd(_ values: ColumnValues, from start: Int, to end: Int) throws(ParquetError) -> Int {
        guard case .bytes(let arrays) = values else { return end }
        let first = Int(arrays.offsets[start])
        // Bytes the encoder buffers for rows start..<row (values plus a 4-byte length each).
        func span(_ row: Int) -> Int { Int(arrays.offsets[row]) - first + 4 * (row - start) }
        if span(start + 1) > byteArrayPageLimit - encoder.bufferedBytes {
            try flushPage()
            guard span(start + 1) <= byteArrayPageLimit else {
                throw .valueTooLarge(column: descriptor.field.name, bytes: span(start + 1) - 4)
            }
        }
        let room = byteArrayPageLimit - encoder.bufferedBytes
        guard span(end) > room else { return end }
        // Offsets only grow: the last row that fits is found by bisection.
        var low = start + 1, high = end
        while low + 1 < high {
            let middle = low + (high - low) / 2
            if span(middle) <= room { low = middle } else { high = middle }
        }
        return low
    }

    private func recordLevels(_ validity: UnsafeBufferPointer<UInt8>) throws(ParquetError) {
        var valid = 0
        for v in validity { valid &+= Int(v) }
        let nulls = validity.count - valid
        guard descriptor.isOptional else {
            if nulls > 0 { throw .schemaMismatch("column '\(descriptor.field.name)' is required but has nulls") }
            return
        }
        pageNulls += nulls
        pageValidity.append(contentsOf: validity)
    }

    /// Encodes and compresses the open page, if it has rows.
    func flushPage() throws(ParquetError) {
        guard pageRows > 0 else { return }
        body.removeAll(keepingCapacity: true)
        if descriptor.isOptional {
            body.append(contentsOf: [0, 0, 0, 0])  // length prefix, filled in below
            pageValidity.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: 1, into: &body) }
            body.storeLittleEndian(UInt32(body.count - 4), at: 0)
        }
        let page = encoder.encodePage(into: &body)
        guard body.count < Int(Int32.max) else { throw .valueTooLarge(column: descriptor.field.name, bytes: body.count) }
        compressed.removeAll(keepingCapacity: true)
        try body.withBytes { raw throws(ParquetError) in try compressor.compress(raw, appendingTo: &compressed) }

        let header = PageHeader(
            type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(compressed.count),
            crc: nil,
            dataPageHeader: DataPageHeader(
                numValues: Int32(pageRows), encoding: page.encoding, definitionLevelEncoding: .rle,
                repetitionLevelEncoding: .rle, statistics: makeStatistics(page.statistics, nulls: pageNulls)),
            dictionaryPageHeader: nil)
        var w = CompactProtocolWriter()
        header.encode(into: &w)
        var serialized = [UInt8]()
        serialized.reserveCapacity(w.bytes.count + compressed.count)
        serialized.append(contentsOf: w.bytes)
        serialized.append(contentsOf: compressed)
        dataPages.append(serialized)
        uncompressedBytes += w.bytes.count + body.count
        compressedBytes += w.bytes.count + compressed.count
        pageEncodingCounts[page.encoding, default: 0] += 1
        if recordsPageSummaries {
            pageSummaries.append(
                PageSummary(
                    size: serialized.count, rows: pageRows, nulls: pageNulls, min: page.statistics.min,
                    max: page.statistics.max, nanCount: page.statistics.nanCount))
        }

        chunkRows += pageRows
        chunkNulls += pageNulls
        pageRows = 0
        pageNulls = 0
        pageValidity.removeAll(keepingCapacity: true)
    }

    private func makeStatistics(_ values: ValueStatistics, nulls: Int) -> Statistics {
        Statistics(
            nullCount: Int64(nulls), minValue: values.min, maxValue: values.max, nanCount: values.nanCount,
            legacyMin: values.signedOrder ? values.min : nil, legacyMax: values.signedOrder ? values.max : nil)
    }

    /// Closes the chunk: returns its pages (dictionary first) and metadata for a chunk
    /// that will start at `fileOffset`, and resets for the next row group.
    func finishChunk(fileOffset: Int64) throws(ParquetError) -> FinishedChunk {
        try flushPage()
        var dictionaryBytes: [UInt8] = []
        var dictionaryUncompressed = 0
        if let dictionary = encoder.dictionaryPage() {
            var compressedDictionary: [UInt8] = []
            try dictionary.body.withBytes { raw throws(ParquetError) in
                try compressor.compress(raw, appendingTo: &compressedDictionary)
            }
            let header = PageHeader(
                type: .dictionaryPage, uncompressedPageSize: Int32(dictionary.body.count),
                compressedPageSize: Int32(compressedDictionary.count), crc: nil, dataPageHeader: nil,
                dictionaryPageHeader: DictionaryPageHeader(
                    numValues: Int32(dictionary.count), encoding: .plain, isSorted: false))
            var w = CompactProtocolWriter()
            header.encode(into: &w)
            dictionaryBytes = w.bytes + compressedDictionary
            dictionaryUncompressed = w.bytes.count + dictionary.body.count
        }

        var encodings: [Encoding] = []
        if !dictionaryBytes.isEmpty { encodings.append(.plain) }
        encodings.append(.rle)
        for encoding in Encoding.allCases where pageEncodingCounts[encoding] != nil && !encodings.contains(encoding) {
            encodings.append(encoding)
        }
        var encodingStats: [PageEncodingStats] = []
        if !dictionaryBytes.isEmpty {
            encodingStats.append(PageEncodingStats(dictionaryPage: true, encoding: .plain, count: 1))
        }
        for encoding in Encoding.allCases {
            if let count = pageEncodingCounts[encoding] {
                encodingStats.append(PageEncodingStats(dictionaryPage: false, encoding: encoding, count: count))
            }
        }

        let dataPageOffset = fileOffset + Int64(dictionaryBytes.count)
        let metaData = ColumnMetaData(
            type: descriptor.physicalType, encodings: encodings, pathInSchema: [descriptor.field.name],
            codec: compressor.codec, numValues: Int64(chunkRows),
            totalUncompressedSize: Int64(uncompressedBytes + dictionaryUncompressed),
            totalCompressedSize: Int64(compressedBytes + dictionaryBytes.count),
            dataPageOffset: dataPageOffset, dictionaryPageOffset: dictionaryBytes.isEmpty ? nil : fileOffset,
            statistics: makeStatistics(encoder.chunkStatistics(), nulls: chunkNulls), encodingStats: encodingStats)
        let finished = FinishedChunk(
            dictionaryPage: dictionaryBytes, dataPages: dataPages, metaData: metaData, pageSummaries: pageSummaries,
            bloomFilter: bloomFilter?.finishChunk())

        dataPages = []
        pageSummaries = []
        chunkRows = 0
        chunkNulls = 0
        uncompressedBytes = 0
        compressedBytes = 0
        pageEncodingCounts = [:]
        encoder.resetChunk()
        return finished
    }
}
