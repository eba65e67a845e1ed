// Thrift compact serialization of the footer and page headers (field ids from parquet.thrift).

extension Statistics {
    func encode(_ w: inout CompactProtocolWriter) {
        if let legacyMax { w.field(1, binary: legacyMax) }
        if let legacyMin { w.field(2, binary: legacyMin) }
        if let nullCount { w.field(3, i64: nullCount) }
        if let distinctCount { w.field(4, i64: distinctCount) }
        if let maxValue { w.field(5, binary: maxValue) }
        if let minValue { w.field(6, binary: minValue) }
        if maxValue != nil { w.field(7, bool: true) }  // is_max_value_exact
        if minValue != nil { w.field(8, bool: true) }  // is_min_value_exact
        if let nanCount { w.field(9, i64: nanCount) }
    }
}

extension LogicalTypeAnnotation {
    func encode(_ w: inout CompactProtocolWriter) {
        let empty: (inout CompactProtocolWriter) -> Void = { _ in }
        switch self {
        case .string: w.field(1, struct: empty)
        case .map: w.field(2, struct: empty)
        case .list: w.field(3, struct: empty)
        case .enumeration: w.field(4, struct: empty)
        case .decimal(let precision, let scale):
            w.field(5) { w in
                w.field(1, i32: scale)
                w.field(2, i32: precision)
            }
        case .date: w.field(6, struct: empty)
        case .time(let utc, let unit):
            w.field(7) { w in
                w.field(1, bool: utc)
                w.field(2) { w in w.field(unit.rawValue, struct: empty) }
            }
        case .timestamp(let utc, let unit):
            w.field(8) { w in
                w.field(1, bool: utc)
                w.field(2) { w in w.field(unit.rawValue, struct: empty) }
            }
        case .integer(let bitWidth, let signed):
            w.field(10) { w in
                w.field(1, i8: bitWidth)
                w.field(2, bool: signed)
            }
        case .unknown: w.field(11, struct: empty)
        case .json: w.field(12, struct: empty)
        case .bson: w.field(13, struct: empty)
        case .uuid: w.field(14, struct: empty)
        case .other(let id): w.field(id, struct: empty)
        }
    }
}

extension SchemaElement {
    func encode(_ w: inout CompactProtocolWriter) {
        if let type { w.field(1, i32: type.rawValue) }
        if let typeLength { w.field(2, i32: typeLength) }
        if let repetition { w.field(3, i32: repetition.rawValue) }
        w.field(4, string: name)
        if let numChildren { w.field(5, i32: numChildren) }
        if let convertedType { w.field(6, i32: convertedType.rawValue) }
        if let scale { w.field(7, i32: scale) }
        if let precision { w.field(8, i32: precision) }
        if let logicalType { w.field(10) { w in logicalType.encode(&w) } }
    }
}

extension ColumnMetaData {
    func encode(_ w: inout CompactProtocolWriter) {
        w.field(1, i32: type.rawValue)
        w.field(2, i32s: encodings.map(\.rawValue))
        w.field(3, strings: pathInSchema)
        w.field(4, i32: codec.rawValue)
        w.field(5, i64: numValues)
        w.field(6, i64: totalUncompressedSize)
        w.field(7, i64: totalCompressedSize)
        w.field(9, i64: dataPageOffset)
        if let dictionaryPageOffset { w.field(11, i64: dictionaryPageOffset) }
        if let statistics { w.field(12) { w in statistics.encode(&w) } }
        if !encodingStats.isEmpty {
            w.field(13, structs: encodingStats) { w, stats in
                w.field(1, i32: stats.dictionaryPage ? PageType.dictionaryPage.rawValue : PageType.dataPage.rawValue)
                w.field(2, i32: stats.encoding.rawValue)
                w.field(3, i32: stats.count)
            }
        }
        if let bloomFilterOffset { w.field(14, i64: bloomFilterOffset) }
        if let bloomFilterLength { w.field(15, i32: bloomFilterLength) }
    }
}

extension FileMetaData {
    func encode() -> [UInt8] {
        var w = CompactProtocolWriter(capacity: 4096)
        w.beginStruct()
        w.field(1, i32: version)
        w.field(2, structs: schema) { w, element in element.encode(&w) }
        w.field(3, i64: numRows)
        w.field(4, structs: rowGroups) { w, group in
            w.field(1, structs: group.columns) { w, chunk in
                w.field(2, i64: chunk.fileOffset)
                w.field(3) { w in chunk.metaData.encode(&w) }
                if let offset = chunk.offsetIndexOffset { w.field(4, i64: offset) }
                if let length = chunk.offsetIndexLength { w.field(5, i32: length) }
                if let offset = chunk.columnIndexOffset { w.field(6, i64: offset) }
                if let length = chunk.columnIndexLength { w.field(7, i32: length) }
            }
            w.field(2, i64: group.totalByteSize)
            w.field(3, i64: group.numRows)
            if let fileOffset = group.fileOffset { w.field(5, i64: fileOffset) }
            if let size = group.totalCompressedSize { w.field(6, i64: size) }
            if let ordinal = group.ordinal { w.field(7, i16: ordinal) }
        }
        if !keyValueMetadata.isEmpty {
            w.field(5, structs: keyValueMetadata) { w, pair in
                w.field(1, string: pair.key)
                if let value = pair.value { w.field(2, string: value) }
            }
        }
        if let createdBy { w.field(6, string: createdBy) }
        if !columnOrdersAreTypeDefined.isEmpty {
            w.field(7, structs: columnOrdersAreTypeDefined) { w, _ in
                w.field(1, struct: { _ in })  // TYPE_ORDER
            }
        }
        w.endStruct()
        return w.bytes
    }
}

extension PageHeader {
    func encode(into w: inout CompactProtocolWriter) {
        w.beginStruct()
        w.field(1, i32: type.rawValue)
        w.field(2, i32: uncompressedPageSize)
        w.field(3, i32: compressedPageSize)
        if let crc { w.field(4, i32: crc) }
        if let header = dataPageHeader {
            w.field(5) { w in
                w.field(1, i32: header.numValues)
                w.field(2, i32: header.encoding.rawValue)
                w.field(3, i32: header.definitionLevelEncoding.rawValue)
                w.field(4, i32: header.repetitionLevelEncoding.rawValue)
                if let statistics = header.statistics { w.field(5) { w in statistics.encode(&w) } }
            }
        }
        if let header = dictionaryPageHeader {
            w.field(7) { w in
                w.field(1, i32: header.numValues)
                w.field(2, i32: header.encoding.rawValue)
                w.field(3, bool: header.isSorted)
            }
        }
        w.endStruct()
    }
}
