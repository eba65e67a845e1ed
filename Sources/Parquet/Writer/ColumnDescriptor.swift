import Columnar

/// How one top-level column is stored: its schema element and value encoder.
struct ColumnDescriptor {
    let field: Field
    let element: SchemaElement
    var physicalType: PhysicalType { element.type! }
    var isOptional: Bool { field.nullable }

    init(_ field: Field) throws(ParquetError) {
        self.field = field
        let repetition: Repetition = field.nullable ? .optional : .required
        switch field.type {
        case .boolean:
            element = SchemaElement(name: field.name, type: .boolean, repetition: repetition)
        case .int32:
            element = SchemaElement(name: field.name, type: .int32, repetition: repetition)
        case .int64:
            element = SchemaElement(name: field.name, type: .int64, repetition: repetition)
        case .double:
            element = SchemaElement(name: field.name, type: .double, repetition: repetition)
        case .date32:
            element = SchemaElement(
                name: field.name, type: .int32, repetition: repetition, convertedType: .date, logicalType: .date)
        case .timestampMicros(let utc):
            element = SchemaElement(
                name: field.name, type: .int64, repetition: repetition, convertedType: .timestampMicros,
                logicalType: .timestamp(utc: utc, unit: .micros))
        case .string:
            element = SchemaElement(
                name: field.name, type: .byteArray, repetition: repetition, convertedType: .utf8, logicalType: .string)
        case .binary:
            element = SchemaElement(name: field.name, type: .byteArray, repetition: repetition)
        case .decimal(let precision, let scale):
            guard (1...DataType.maxDecimalPrecision).contains(precision), (0...precision).contains(scale) else {
                throw .invalidOptions(
                    "column '\(field.name)' has decimal(\(precision),\(scale)); precision must be 1...38 and scale 0...precision")
            }
            let physical: PhysicalType
            var length: Int32? = nil
            switch field.type.storage {
            case .int32s: physical = .int32
            case .int64s: physical = .int64
            default:
                physical = .fixedLenByteArray
                length = Int32(Self.decimalByteWidth(precision: precision))
            }
            element = SchemaElement(
                name: field.name, type: physical, typeLength: length, repetition: repetition,
                convertedType: .decimal, scale: Int32(scale), precision: Int32(precision),
                logicalType: .decimal(precision: Int32(precision), scale: Int32(scale)))
        }
    }

    /// The fewest bytes whose two's complement range holds every `precision`-digit number.
    static func decimalByteWidth(precision: Int) -> Int {
        var width = 1
        var limit: Int128 = 1
        for _ in 0..<precision { limit *= 10 }  // 10^precision; values are below it in magnitude
        while width < 16 && (Int128(1) << (8 * width - 1)) < limit { width += 1 }
        return width
    }

    func makeEncoder(_ options: WriterOptions) -> ValueEncoder {
        let dictionary = options.dictionaryEnabled
        let limit = options.dictionaryPageLimit
        switch field.type.storage {
        case .booleans: return BooleanValueEncoder()
        case .int32s:
            return FixedWidthValueEncoder<Int32>(
                dictionaryEnabled: dictionary, dictionaryPageLimit: limit, isFloatingPoint: false,
                deltaEncoding: options.deltaEncoding)
        case .int64s:
            return FixedWidthValueEncoder<Int64>(
                dictionaryEnabled: dictionary, dictionaryPageLimit: limit, isFloatingPoint: false,
                deltaEncoding: options.deltaEncoding)
        case .doubles:
            return FixedWidthValueEncoder<Double>(
                dictionaryEnabled: dictionary, dictionaryPageLimit: limit, isFloatingPoint: true, deltaEncoding: false)
        case .bytes:
            return ByteArrayValueEncoder(
                columnName: field.name, dictionaryEnabled: dictionary, dictionaryPageLimit: limit)
        case .int128s:
            return DecimalValueEncoder(byteWidth: Self.decimalByteWidth(precision: precisionOfDecimal))
        }
    }

    private var precisionOfDecimal: Int {
        if case .decimal(let p, _) = field.type { return p }
        return DataType.maxDecimalPrecision
    }
}
