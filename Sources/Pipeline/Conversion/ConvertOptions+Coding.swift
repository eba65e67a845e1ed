import Platform
import Values
import FormatKit
import CSVFormat
/// `ConvertOptions` as JSON, by the snake_case names `pyforge serve` and the Python API use.
/// Values are parsed as on the command line (`ConvertOptionValue`), so a bad value is the
/// same sentence (with the parameter's name) instead of a generic decoding error.
extension ConvertOptions: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        format = try c.value(.format)
        force = try c.flag(.force)
        engine = try c.text(.engine)
        compression = try c.value(.compression)
        compressionLevel = try c.number(.compressionLevel)
        rowGroupSize = try c.number(.rowGroupSize)
        bloomFilter = try c.list(.bloomFilter)
        allStrings = try c.flag(.allStrings)
        delimiter = try c.value(.delimiter)
        quote = try c.value(.quote)
        escape = try c.value(.escape)
        encoding = try c.value(.encoding)
        noHeader = try c.flag(.noHeader)
        skipRows = try c.number(.skipRows)
        allowRagged = try c.flag(.allowRagged)
        nullValues = try c.list(.nullValues)
        maxRecordBytes = try c.number(.maxRecordBytes)
        flatten = try c.optionalFlag(.flatten)
        recordPath = try c.text(.recordPath)
        rowTag = try c.text(.rowTag)
        flattenStrategy = try c.value(.flattenStrategy)
        arrayHandling = try c.value(.arrayHandling)
        namespaceHandling = try c.value(.namespaceHandling)
        sheets = try c.list(.sheets)
        combine = try c.flag(.combine)
        separate = try c.flag(.separate)
        header = try c.flag(.header)
        includeDeleted = try c.flag(.includeDeleted)
        tables = try c.list(.tables)
        password = try c.text(.password)
        pages = try c.value(.pages)
        metadata = try c.flag(.metadata)
        mode = try c.value(.mode)
        mergeSchema = try c.flag(.mergeSchema)
        partitionBy = try c.list(.partitionBy)
        table = try c.text(.table)
        sparkRemote = try c.text(.sparkRemote)
        sparkStaging = try c.text(.sparkStaging)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let values: [(CodingKeys, (any ConvertOptionValue)?)] = [
            (.format, format), (.compression, compression), (.delimiter, delimiter), (.quote, quote), (.escape, escape),
            (.encoding, encoding), (.flattenStrategy, flattenStrategy), (.arrayHandling, arrayHandling),
            (.namespaceHandling, namespaceHandling), (.pages, pages), (.mode, mode),
        ]
        for case let (key, value?) in values { try c.encode(value.optionText, forKey: key) }
        for (key, list) in [(CodingKeys.nullValues, nullValues), (.bloomFilter, bloomFilter), (.sheets, sheets), (.tables, tables), (.partitionBy, partitionBy)] {
            try c.encodeIfPresent(list?.items, forKey: key)
        }
        for (key, flag) in [
            (CodingKeys.force, force), (.allStrings, allStrings), (.noHeader, noHeader), (.allowRagged, allowRagged), (.combine, combine),
            (.separate, separate), (.header, header), (.includeDeleted, includeDeleted), (.metadata, metadata), (.mergeSchema, mergeSchema),
        ] where flag {
            try c.encode(true, forKey: key)
        }
        for (key, number) in [(CodingKeys.compressionLevel, compressionLevel), (.rowGroupSize, rowGroupSize), (.skipRows, skipRows), (.maxRecordBytes, maxRecordBytes)] {
            try c.encodeIfPresent(number, forKey: key)
        }
        try c.encodeIfPresent(flatten, forKey: .flatten)
        for (key, text) in [
            (CodingKeys.engine, engine), (.recordPath, recordPath), (.rowTag, rowTag), (.password, password), (.table, table),
            (.sparkRemote, sparkRemote), (.sparkStaging, sparkStaging),
        ] {
            try c.encodeIfPresent(text, forKey: key)
        }
    }
}

extension KeyedDecodingContainer where K == ConvertOptions.CodingKeys {
    fileprivate func value<T: ConvertOptionValue>(_ key: K) throws -> T? {
        guard let text = try text(key) else { return nil }
        do throws(OptionValueError) {
            return try T(optionText: text)
        } catch {
            throw ConversionError.invalidOption(error.sentence(name: ConvertOptions.Naming.parameter(key), text: text))
        }
    }

    fileprivate func flag(_ key: K) throws -> Bool { try optionalFlag(key) ?? false }

    fileprivate func optionalFlag(_ key: K) throws -> Bool? { try typed(key, "true or false") }

    fileprivate func number(_ key: K) throws -> Int? { try typed(key, "a whole number") }

    fileprivate func text(_ key: K) throws -> String? { try typed(key, "a string") }

    /// A list of strings, or one comma-separated string as on the command line.
    fileprivate func list(_ key: K) throws -> OptionList? {
        if let items = try? decodeIfPresent([String].self, forKey: key) { return OptionList(items) }
        let text: String? = try typed(key, "a list of strings")
        return text.map { OptionList(optionText: $0) }
    }

    private func typed<T: Decodable>(_ key: K, _ expected: String) throws -> T? {
        do {
            return try decodeIfPresent(T.self, forKey: key)
        } catch DecodingError.typeMismatch {
            throw ConversionError.invalidOption("\(ConvertOptions.Naming.parameter(key)) must be \(expected).")
        }
    }
}
