// Builds the footer model from decoded Thrift values; unknown fields are ignored.

extension FileMetaData {
    init(thrift f: [Int16: ThriftValue]) throws(ParquetError) {
        guard let schemaList = f[2]?.list, let numRows = f[3]?.int, let groups = f[4]?.list else {
            throw .corruptMetadata("The footer lacks its schema, row count or row groups.")
        }
        version = Int32(truncatingIfNeeded: f[1]?.int ?? 1)
        var elements: [SchemaElement] = []
        for value in schemaList {
            guard let fields = value.fields else { throw .corruptMetadata("A schema element is not a struct.") }
            elements.append(try SchemaElement(thrift: fields))
        }
        schema = elements
        self.numRows = numRows
        var rowGroups: [RowGroup] = []
        for value in groups {
            guard let fields = value.fields else { throw .corruptMetadata("A row group is not a struct.") }
            rowGroups.append(try RowGroup(thrift: fields))
        }
        self.rowGroups = rowGroups
        keyValueMetadata = (f[5]?.list ?? []).compactMap { value in
            guard let fields = value.fields, let key = fields[1]?.string else { return nil }
            return KeyValue(key: key, value: fields[2]?.string)
        }
        createdBy = f[6]?.string
        columnOrdersAreTypeDefined = (f[7]?.list ?? []).map { $0.fields?[1] != nil }
    }
}

extension SchemaElement {
    init(thrift f: [Int16: ThriftValue]) throws(ParquetError) {
        guard let name = f[4]?.string else { throw .corruptMetadata("A schema element has no name.") }
        self.init(name: name)
        if let raw = f[1]?.int { type = PhysicalType(rawValue: Int32(truncatingIfNeeded: raw)) }
        typeLength = f[2]?.int.map { Int32(truncatingIfNeeded: $0) }
        if let raw = f[3]?.int { repetition = Repetition(rawValue: Int32(truncatingIfNeeded: raw)) }
        numChildren = f[5]?.int.map { Int32(truncatingIfNeeded: $0) }
        if let raw = f[6]?.int { convertedType = ConvertedType(rawValue: Int32(truncatingIfNeeded: raw)) }
        scale = f[7]?.int.map { Int32(truncatingIfNeeded: $0) }
        precision = f[8]?.int.map { Int32(truncatingIfNeeded: $0) }
        if let union = f[10]?.fields { logicalType = LogicalTypeAnnotation(thrift: union) }
    }
}

extension LogicalTypeAnnotation {
    init?(thrift union: [Int16: ThriftValue]) {
        guard let (id, value) = union.first else { return nil }
        let inner = value.fields ?? [:]
        func unit() -> TimeUnit { TimeUnit(rawValue: inner[2]?.fields?.keys.first ?? 2) ?? .micros }
        switch id {
        case 1: self = .string
        case 2: self = .map
        case 3: self = .list
        case 4: self = .enumeration
        case 5:
            self = .decimal(
                precision: Int32(truncatingIfNeeded: inner[2]?.int ?? 0),
                scale: Int32(truncatingIfNeeded: inner[1]?.int ?? 0))
        case 6: self = .date
        case 7: self = .time(utc: inner[1]?.bool ?? false, unit: unit())
        case 8: self = .timestamp(utc: inner[1]?.bool ?? false, unit: unit())
        case 10:
            self = .integer(bitWidth: Int8(truncatingIfNeeded: inner[1]?.int ?? 64), signed: inner[2]?.bool ?? true)
        case 11: self = .unknown
        case 12: self = .json
        case 13: self = .bson
        case 14: self = .uuid
        default: self = .other(fieldID: id)
        }
    }
}

extension Statistics {
    init(thrift f: [Int16: ThriftValue]) {
        self.init(
            nullCount: f[3]?.int, distinctCount: f[4]?.int, minValue: f[6]?.binary, maxValue: f[5]?.binary,
            nanCount: f[9]?.int, legacyMin: f[2]?.binary, legacyMax: f[1]?.binary)
    }
}

extension RowGroup {
    init(thrift f: [Int16: ThriftValue]) throws(ParquetError) {
        guard let chunks = f[1]?.list, let totalByteSize = f[2]?.int, let numRows = f[3]?.int else {
            throw .corruptMetadata("A row group lacks its columns, size or row count.")
        }
        var columns: [ColumnChunk] = []
        for chunk in chunks {
            guard let fields = chunk.fields, let meta = fields[3]?.fields else {
                throw .corruptMetadata("A column chunk has no metadata.")
            }
            var column = ColumnChunk(fileOffset: fields[2]?.int ?? 0, metaData: try ColumnMetaData(thrift: meta))
            column.offsetIndexOffset = fields[4]?.int
            column.offsetIndexLength = fields[5]?.int.map { Int32(truncatingIfNeeded: $0) }
            column.columnIndexOffset = fields[6]?.int
            column.columnIndexLength = fields[7]?.int.map { Int32(truncatingIfNeeded: $0) }
            columns.append(column)
        }
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        fileOffset = f[5]?.int
        totalCompressedSize = f[6]?.int
        ordinal = f[7]?.int.map { Int16(truncatingIfNeeded: $0) }
    }
}

extension ColumnMetaData {
    init(thrift f: [Int16: ThriftValue]) throws(ParquetError) {
        guard let rawType = f[1]?.int, let type = PhysicalType(rawValue: Int32(truncatingIfNeeded: rawType)),
            let rawCodec = f[4]?.int, let codec = CompressionCodec(rawValue: Int32(truncatingIfNeeded: rawCodec)),
            let numValues = f[5]?.int, let uncompressed = f[6]?.int, let compressed = f[7]?.int,
            let dataPageOffset = f[9]?.int
        else { throw .corruptMetadata("Column metadata lacks a required field or names an unknown type or codec.") }
        self.type = type
        encodings = (f[2]?.list ?? []).compactMap { $0.int.flatMap { Encoding(rawValue: Int32(truncatingIfNeeded: $0)) } }
        pathInSchema = (f[3]?.list ?? []).compactMap(\.string)
        self.codec = codec
        self.numValues = numValues
        totalUncompressedSize = uncompressed
        totalCompressedSize = compressed
        self.dataPageOffset = dataPageOffset
        dictionaryPageOffset = f[11]?.int
        statistics = f[12]?.fields.map(Statistics.init(thrift:))
        encodingStats = (f[13]?.list ?? []).compactMap { value in
            guard let s = value.fields, let page = s[1]?.int, let enc = s[2]?.int,
                let encoding = Encoding(rawValue: Int32(truncatingIfNeeded: enc)), let count = s[3]?.int
            else { return nil }
            return PageEncodingStats(
                dictionaryPage: page == Int64(PageType.dictionaryPage.rawValue), encoding: encoding,
                count: Int32(truncatingIfNeeded: count))
        }
        bloomFilterOffset = f[14]?.int
        bloomFilterLength = f[15]?.int.map { Int32(truncatingIfNeeded: $0) }
    }
}
