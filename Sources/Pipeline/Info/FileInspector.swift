import Platform
import Columnar
import Parquet
import Values
import FormatKit
import CSVFormat
import AccessFormat
import PDFFormat
import ExcelFormat
import Delta
import JSONFormat
import XMLFormat
import DBaseFormat

/// Reads a file far enough to describe it (`info`) or to prove it converts (`validate`).
public enum FileInspector {
    /// `--preview-schema`: the file read with a conversion's options, so the columns are the
    /// ones the conversion would write (Excel's --sheets and --all-strings, Access's --tables too).
    public static func info(path: String, options: ConvertOptions) throws(ConversionError) -> FileInfo {
        try info(path: path, request: options.request(input: path, output: nil))
    }

    public static func info(
        path: String, csv: CSVOptions = CSVOptions(), json: JSONOptions = JSONOptions(), xml: XMLOptions = XMLOptions(),
        dbase: DBaseOptions = DBaseOptions(), pdfPassword: String? = nil, excel: ExcelOptions? = nil, access accessOptions: AccessOptions = AccessOptions()
    ) throws(ConversionError) -> FileInfo {
        try info(path: path, request: request(path, csv, json, xml, dbase, pdfPassword, excel, accessOptions))
    }

    /// The one options schema for `info` given format by format (an Excel file without its
    /// own options takes the CSV header and skip-rows options).
    private static func request(
        _ path: String, _ csv: CSVOptions, _ json: JSONOptions, _ xml: XMLOptions, _ dbase: DBaseOptions, _ pdfPassword: String?,
        _ excel: ExcelOptions?, _ accessOptions: AccessOptions
    ) -> ConvertRequest {
        var request = ConvertRequest(inputPath: path, csv: csv, json: json)
        request.xml = xml
        request.excel = excel ?? ExcelOptions(hasHeader: csv.hasHeader, skipRows: csv.skipRows)
        request.dbase = dbase
        request.access = accessOptions
        request.pdf.password = pdfPassword
        return request
    }

    /// `info` of `path` with the options of its format in `request`.
    static func info(path: String, request: ConvertRequest) throws(ConversionError) -> FileInfo {
        guard access(path, F_OK) == 0 else { throw .inputNotFound(path: path) }
        if Converter.isDirectory(path) {
            guard DeltaLog.exists(path) else {
                // A plain directory: worth a look only for outputs a killed writer left.
                let stale = StaleTemporaries.sweep(tree: path, remove: false, depth: 0)
                guard stale.isEmpty else {
                    throw .unsupportedFormat(path: path, detail: "it is a directory without a Delta log; it holds \(stale.count) temporary file(s) left by a writer that died: \(stale.joined(separator: ", ")); converting to their output again removes them, or delete them")
                }
                throw .unsupportedFormat(path: path, detail: "it is a directory without a Delta log")
            }
            return try DeltaTableInfo.info(path: path)
        }
        guard let format = InputFormat(path: path) else { throw Converter.unknownInputFormat(path) }
        return try format.registered.inspect(path, request)
    }

    public static func validate(
        path: String, csv: CSVOptions = CSVOptions(), json: JSONOptions = JSONOptions(), xml: XMLOptions = XMLOptions(),
        dbase: DBaseOptions = DBaseOptions(), pdfPassword: String? = nil
    ) -> ValidationReport {
        validate(path: path, request: request(path, csv, json, xml, dbase, pdfPassword, nil, AccessOptions()))
    }

    /// `validate` with the input options in the schema `convert` uses (the CLI's and serve's).
    public static func validate(path: String, options: ConvertOptions) -> ValidationReport {
        validate(path: path, request: options.request(input: path, output: nil))
    }

    static func validate(path: String, request: ConvertRequest) -> ValidationReport {
        do {
            let info = try info(path: path, request: request)
            // `info` may read a file's structure only (a PDF's, even an encrypted one it cannot
            // decrypt); the format's `verify` reads the rest (every page's text), which also
            // reports what a limit stopped.
            var warnings = info.warnings
            if let format = InputFormat(path: path) {
                do {
                    let further = try format.registered.verify(path, request)
                    warnings += further.filter { !warnings.contains($0) }
                } catch {
                    return ValidationReport(
                        path: path, valid: false, format: info.format, rows: info.rows, columns: [], errors: [error.description],
                        warnings: info.warnings)
                }
            }
            return ValidationReport(
                path: path, valid: true, format: info.format, rows: info.rows, columns: info.columns, errors: [],
                warnings: warnings)
        } catch {
            return ValidationReport(
                path: path, valid: false, format: InputFormat(path: path)?.rawValue, rows: nil, columns: [],
                errors: [error.description], warnings: [])
        }
    }

    static func parquetInfo(path: String) throws(ConversionError) -> FileInfo {
        let metadata: FileMetaData
        do {
            metadata = try ParquetFooterReader.readMetadata(path: path)
        } catch {
            throw .unreadableInput(path: path, reason: error.description)
        }
        let leaves = metadata.schema.filter { $0.type != nil }
        let columns = leaves.map { element in
            FileInfo.Column(
                name: element.name, type: ParquetValueText.typeName(element), nullable: element.repetition != .required,
                physicalType: element.type?.name, logicalType: element.logicalType?.name)
        }
        let groups = metadata.rowGroups.map { group in
            FileInfo.RowGroup(
                rows: group.numRows, compressedBytes: group.totalCompressedSize ?? group.columns.reduce(0) { $0 + $1.metaData.totalCompressedSize },
                uncompressedBytes: group.totalByteSize,
                columns: group.columns.enumerated().map { index, chunk in
                    let meta = chunk.metaData
                    let element = index < leaves.count ? leaves[index] : nil
                    return FileInfo.ColumnChunk(
                        column: meta.pathInSchema.joined(separator: "."), codec: meta.codec.name,
                        encodings: meta.encodings.map(\.name), compressedBytes: meta.totalCompressedSize,
                        uncompressedBytes: meta.totalUncompressedSize, nullCount: meta.statistics?.nullCount,
                        min: element.flatMap { e in meta.statistics?.minValue.map { ParquetValueText.text($0, e) } },
                        max: element.flatMap { e in meta.statistics?.maxValue.map { ParquetValueText.text($0, e) } })
                })
        }
        var details: [String: String] = ["format_version": String(metadata.version)]
        if let createdBy = metadata.createdBy { details["created_by"] = createdBy }
        for pair in metadata.keyValueMetadata where pair.key != "ARROW:schema" {
            details["metadata." + pair.key] = pair.value ?? ""
        }
        return FileInfo(
            path: path, format: "parquet", sizeBytes: fileSize(path), rows: Int(metadata.numRows),
            columns: columns, details: details, rowGroups: groups, warnings: [])
    }
}

/// Renders PLAIN-encoded Parquet statistics values as text for `info`.
enum ParquetValueText {
    static func typeName(_ element: SchemaElement) -> String {
        switch element.logicalType {
        case .string?: return "string"
        case .date?: return "date"
        case .timestamp(let utc, _)?: return utc ? "timestamp[us, UTC]" : "timestamp[us]"
        case .decimal(let p, let s)?: return "decimal(\(p),\(s))"
        default: break
        }
        switch element.convertedType {
        case .utf8?: return "string"
        case .date?: return "date"
        case .decimal?: return "decimal(\(element.precision ?? 0),\(element.scale ?? 0))"
        default: break
        }
        switch element.type {
        case .boolean?: return "boolean"
        case .int32?: return "int32"
        case .int64?: return "int64"
        case .float?: return "float"
        case .double?: return "double"
        case .byteArray?: return "binary"
        case .fixedLenByteArray?: return "fixed_len_byte_array(\(element.typeLength ?? 0))"
        case .int96?: return "int96"
        case nil: return "group"
        }
    }

    static func text(_ bytes: [UInt8], _ element: SchemaElement) -> String {
        func littleEndian<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
        }
        let name = typeName(element)
        switch element.type {
        case .boolean?: return bytes.first == 1 ? "true" : "false"
        case .int32?:
            guard let v = littleEndian(Int32.self) else { break }
            if name == "date" { return ValueFormatting.date(days: v) }
            if case .decimal(_, let s)? = element.logicalType { return ValueFormatting.decimal(unscaled: Int128(v), scale: Int(s)) }
            return String(v)
        case .int64?:
            guard let v = littleEndian(Int64.self) else { break }
            if case .timestamp(let utc, let unit)? = element.logicalType, unit == .micros {
                return ValueFormatting.timestamp(micros: v, utc: utc)
            }
            if case .decimal(_, let s)? = element.logicalType { return ValueFormatting.decimal(unscaled: Int128(v), scale: Int(s)) }
            return String(v)
        case .double?:
            guard let v = littleEndian(UInt64.self) else { break }
            return ValueFormatting.double(Double(bitPattern: v))
        case .float?:
            guard let v = littleEndian(UInt32.self) else { break }
            return "\(Float(bitPattern: v))"
        case .byteArray?:
            if name == "string" {
                let text = String(decoding: bytes, as: UTF8.self)
                return text.count > 60 ? String(text.prefix(57)) + "..." : text
            }
        default: break
        }
        return bytes.prefix(32).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
