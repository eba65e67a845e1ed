import Columnar

/// Writes a small table with nested columns (structs, lists, maps) as one Parquet row
/// group of PLAIN pages with repetition and definition levels (the Dremel encoding).
/// Meant for metadata files such as Delta checkpoints, where values are few; bulk data
/// goes through `ParquetFileWriter`.
public enum NestedTableWriter {
    public static func write(
        fields: [NestedField], rows: [[NestedValue]], to sink: OutputSink, compression: CompressionCodec = .snappy,
        createdBy: String = "pyforge"
    ) throws(ParquetError) {
        var leaves: [Leaf] = []
        var elements = [SchemaElement(name: "schema", numChildren: Int32(fields.count))]
        for field in fields { describe(field, path: [], repetition: 0, definition: 0, elements: &elements, leaves: &leaves) }
        for row in rows {
            guard row.count == fields.count else {
                throw .schemaMismatch("a row has \(row.count) values for \(fields.count) columns")
            }
            var leafIndex = 0
            for (field, value) in zip(fields, row) {
                try shred(field.type, nullable: field.nullable, value, definition: 0, repetition: 0, depth: 0, leaves: &leaves, next: &leafIndex)
            }
        }
        let compressor = try PageCompressor(codec: compression, level: nil)
        try sink.write(ParquetFileWriter.magic)
        var chunks: [ColumnChunk] = []
        let groupStart = sink.position
        var total: Int64 = 0
        for leaf in leaves {
            let offset = sink.position
            var body: [UInt8] = []
            if leaf.maxRepetition > 0 { appendLevels(leaf.repetitions, max: leaf.maxRepetition, into: &body) }
            if leaf.maxDefinition > 0 { appendLevels(leaf.definitions, max: leaf.maxDefinition, into: &body) }
            body.append(contentsOf: leaf.values)
            var compressed: [UInt8] = []
            try body.withBytes { raw throws(ParquetError) in try compressor.compress(raw, appendingTo: &compressed) }
            let header = PageHeader(
                type: .dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(compressed.count), crc: nil,
                dataPageHeader: DataPageHeader(
                    numValues: Int32(leaf.definitions.count), encoding: .plain, definitionLevelEncoding: .rle,
                    repetitionLevelEncoding: .rle, statistics: Statistics(nullCount: Int64(leaf.nullCount))),
                dictionaryPageHeader: nil)
            var w = CompactProtocolWriter()
            header.encode(into: &w)
            try sink.write(w.bytes)
            try sink.write(compressed)
            let meta = ColumnMetaData(
                type: leaf.type, encodings: [.plain, .rle], pathInSchema: leaf.path, codec: compression,
                numValues: Int64(leaf.definitions.count), totalUncompressedSize: Int64(w.bytes.count + body.count),
                totalCompressedSize: Int64(w.bytes.count + compressed.count), dataPageOffset: offset,
                dictionaryPageOffset: nil, statistics: Statistics(nullCount: Int64(leaf.nullCount)), encodingStats: [])
            total += meta.totalUncompressedSize
            chunks.append(ColumnChunk(fileOffset: offset, metaData: meta))
        }
        let groups = rows.isEmpty ? [] : [
            RowGroup(
                columns: chunks, totalByteSize: total, numRows: Int64(rows.count), fileOffset: groupStart,
                totalCompressedSize: sink.position - groupStart, ordinal: 0)
        ]
        let metadata = FileMetaData(
            version: 1, schema: elements, numRows: Int64(rows.count), rowGroups: groups, keyValueMetadata: [],
            createdBy: createdBy, columnOrdersAreTypeDefined: [])
        try ParquetFileWriter.writeFooter(metadata, to: sink)
    }

    /// One primitive column of the flattened schema, with its levels and PLAIN values.
    struct Leaf {
        var path: [String]
        var type: PhysicalType
        var maxDefinition: Int
        var maxRepetition: Int
        var definitions: [UInt32] = []
        var repetitions: [UInt32] = []
        var values: [UInt8] = []
        var booleans: Int = 0
        var nullCount = 0
    }

    private static func appendLevels(_ levels: [UInt32], max: Int, into body: inout [UInt8]) {
        let start = body.count
        body.append(contentsOf: [0, 0, 0, 0])
        levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: bitWidth(of: UInt64(max)), into: &body) }
        body.storeLittleEndian(UInt32(body.count - start - 4), at: start)
    }

    /// Appends the schema elements of `field` (depth first) and its leaves.
    private static func describe(
        _ field: NestedField, path: [String], repetition: Int, definition: Int,
        elements: inout [SchemaElement], leaves: inout [Leaf]
    ) {
        let optional = field.nullable
        let definition = definition + (optional ? 1 : 0)
        let path = path + [field.name]
        let rep: Repetition = optional ? .optional : .required
        switch field.type {
        case .structure(let children):
            elements.append(SchemaElement(name: field.name, repetition: rep, numChildren: Int32(children.count)))
            for child in children {
                describe(child, path: path, repetition: repetition, definition: definition, elements: &elements, leaves: &leaves)
            }
        case .list(let element, let elementNullable):
            elements.append(SchemaElement(name: field.name, repetition: rep, numChildren: 1, convertedType: .list, logicalType: .list))
            elements.append(SchemaElement(name: "list", repetition: .repeated, numChildren: 1))
            describe(
                NestedField("element", element, nullable: elementNullable), path: path + ["list"],
                repetition: repetition + 1, definition: definition + 1, elements: &elements, leaves: &leaves)
        case .map(let key, let value, let valueNullable):
            elements.append(SchemaElement(name: field.name, repetition: rep, numChildren: 1, convertedType: .map, logicalType: .map))
            elements.append(SchemaElement(name: "key_value", repetition: .repeated, numChildren: 2, convertedType: .mapKeyValue))
            describe(
                NestedField("key", key, nullable: false), path: path + ["key_value"], repetition: repetition + 1,
                definition: definition + 1, elements: &elements, leaves: &leaves)
            describe(
                NestedField("value", value, nullable: valueNullable), path: path + ["key_value"], repetition: repetition + 1,
                definition: definition + 1, elements: &elements, leaves: &leaves)
        case .boolean, .int32, .int64, .double, .string, .binary:
            let (physical, converted, logical) = primitive(field.type)
            elements.append(SchemaElement(name: field.name, type: physical, repetition: rep, convertedType: converted, logicalType: logical))
            leaves.append(Leaf(path: path, type: physical, maxDefinition: definition, maxRepetition: repetition))
        }
    }

    private static func primitive(_ type: NestedType) -> (PhysicalType, ConvertedType?, LogicalTypeAnnotation?) {
        switch type {
        case .boolean: return (.boolean, nil, nil)
        case .int32: return (.int32, nil, nil)
        case .int64: return (.int64, nil, nil)
        case .double: return (.double, nil, nil)
        case .string: return (.byteArray, .utf8, .string)
        default: return (.byteArray, nil, nil)
        }
    }

    /// Number of leaves under a type.
    private static func leafCount(_ type: NestedType) -> Int {
        switch type {
        case .structure(let children): return children.reduce(0) { $0 + leafCount($1.type) }
        case .list(let element, _): return leafCount(element)
        case .map(let key, let value, _): return leafCount(key) + leafCount(value)
        default: return 1
        }
    }

    /// Records a null (or empty list/map) at `definition` for every leaf under `type`.
    private static func emitAbsent(_ type: NestedType, definition: Int, repetition: Int, leaves: inout [Leaf], next: inout Int) {
        for _ in 0..<leafCount(type) {
            leaves[next].definitions.append(UInt32(definition))
            leaves[next].repetitions.append(UInt32(repetition))
            leaves[next].nullCount += 1
            next += 1
        }
    }

    /// Shreds one value into its leaves' levels and values. `depth` is the repetition
    /// level of the innermost repeated ancestor.
    private static func shred(
        _ type: NestedType, nullable: Bool, _ value: NestedValue, definition: Int, repetition: Int, depth: Int,
        leaves: inout [Leaf], next: inout Int
    ) throws(ParquetError) {
        if case .null = value {
            guard nullable else { throw .schemaMismatch("a null value in a required nested field") }
            emitAbsent(type, definition: definition, repetition: repetition, leaves: &leaves, next: &next)
            return
        }
        let present = definition + (nullable ? 1 : 0)
        switch (type, value) {
        case (.structure(let children), .structure(let values)):
            guard children.count == values.count else { throw .schemaMismatch("a struct value has the wrong number of fields") }
            for (child, childValue) in zip(children, values) {
                try shred(child.type, nullable: child.nullable, childValue, definition: present, repetition: repetition, depth: depth, leaves: &leaves, next: &next)
            }
        case (.list(let element, let elementNullable), .list(let items)):
            if items.isEmpty {
                emitAbsent(element, definition: present, repetition: repetition, leaves: &leaves, next: &next)
                return
            }
            let start = next
            for (i, item) in items.enumerated() {
                next = start
                try shred(element, nullable: elementNullable, item, definition: present + 1, repetition: i == 0 ? repetition : depth + 1, depth: depth + 1, leaves: &leaves, next: &next)
            }
        case (.map(let keyType, let valueType, let valueNullable), .map(let pairs)):
            if pairs.isEmpty {
                emitAbsent(keyType, definition: present, repetition: repetition, leaves: &leaves, next: &next)
                emitAbsent(valueType, definition: present, repetition: repetition, leaves: &leaves, next: &next)
                return
            }
            let start = next
            for (i, pair) in pairs.enumerated() {
                next = start
                let rep = i == 0 ? repetition : depth + 1
                try shred(keyType, nullable: false, pair.0, definition: present + 1, repetition: rep, depth: depth + 1, leaves: &leaves, next: &next)
                try shred(valueType, nullable: valueNullable, pair.1, definition: present + 1, repetition: rep, depth: depth + 1, leaves: &leaves, next: &next)
            }
        default:
            var leaf = leaves[next]
            leaf.definitions.append(UInt32(present))
            leaf.repetitions.append(UInt32(repetition))
            switch (type, value) {
            case (.boolean, .boolean(let v)):
                // PLAIN booleans are bit-packed; values of one page are written together.
                if leaf.booleans % 8 == 0 { leaf.values.append(0) }
                if v { leaf.values[leaf.values.count - 1] |= UInt8(1) << UInt8(leaf.booleans % 8) }
                leaf.booleans += 1
            case (.int32, .int(let v)): leaf.values.appendLittleEndian(Int32(truncatingIfNeeded: v))
            case (.int64, .int(let v)): withUnsafeBytes(of: v.littleEndian) { leaf.values.append(contentsOf: $0) }
            case (.double, .double(let v)): withUnsafeBytes(of: v.bitPattern.littleEndian) { leaf.values.append(contentsOf: $0) }
            case (.string, .string(let v)):
                leaf.values.appendLittleEndian(UInt32(v.utf8.count))
                leaf.values.append(contentsOf: v.utf8)
            case (.binary, .binary(let v)):
                leaf.values.appendLittleEndian(UInt32(v.count))
                leaf.values.append(contentsOf: v)
            default:
                throw .schemaMismatch("value \(value) does not match nested type \(type)")
            }
            leaves[next] = leaf
            next += 1
        }
    }
}
