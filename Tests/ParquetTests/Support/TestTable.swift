import Columnar
import Foundation
import Parquet

/// A column built together with the canonical values the Python checker will compare.
struct TestColumn {
    var field: Field
    var column: Column
    var expected: [Any]
    var arrowType: String

    static func int64(_ name: String, _ values: [Int64?], nullable: Bool = true) -> TestColumn {
        TestColumn(
            field: Field(name: name, type: .int64, nullable: nullable),
            column: Column(.int64s(values.map { $0 ?? 0 }), validity: validity(values)),
            expected: canonical(values) { String($0) }, arrowType: "int64")
    }

    static func int32(_ name: String, _ values: [Int32?]) -> TestColumn {
        TestColumn(
            field: Field(name: name, type: .int32),
            column: Column(.int32s(values.map { $0 ?? 0 }), validity: validity(values)),
            expected: canonical(values) { String($0) }, arrowType: "int32")
    }

    static func double(_ name: String, _ values: [Double?]) -> TestColumn {
        TestColumn(
            field: Field(name: name, type: .double),
            column: Column(.doubles(values.map { $0 ?? 0 }), validity: validity(values)),
            expected: canonical(values) { hexBits($0) }, arrowType: "double")
    }

    static func boolean(_ name: String, _ values: [Bool?]) -> TestColumn {
        TestColumn(
            field: Field(name: name, type: .boolean),
            column: Column(.booleans(values.map { $0 == true ? 1 : 0 }), validity: validity(values)),
            expected: canonical(values) { $0 as Any }, arrowType: "bool")
    }

    static func date(_ name: String, _ days: [Int32?]) -> TestColumn {
        TestColumn(
            field: Field(name: name, type: .date32),
            column: Column(.int32s(days.map { $0 ?? 0 }), validity: validity(days)),
            expected: canonical(days) { String($0) }, arrowType: "date32[day]")
    }

    static func timestamp(_ name: String, _ micros: [Int64?], utc: Bool) -> TestColumn {
        TestColumn(
            field: Field(name: name, type: .timestampMicros(utc: utc)),
            column: Column(.int64s(micros.map { $0 ?? 0 }), validity: validity(micros)),
            expected: canonical(micros) { String($0) },
            arrowType: utc ? "timestamp[us, tz=UTC]" : "timestamp[us]")
    }

    static func string(_ name: String, _ values: [String?], nullable: Bool = true) -> TestColumn {
        var arrays = ByteArrays()
        for value in values { if let value { arrays.append(value) } else { arrays.appendEmpty() } }
        return TestColumn(
            field: Field(name: name, type: .string, nullable: nullable),
            column: Column(.bytes(arrays), validity: validity(values)),
            expected: canonical(values) { $0 as Any }, arrowType: "string")
    }

    static func binary(_ name: String, _ values: [[UInt8]?]) -> TestColumn {
        var arrays = ByteArrays()
        for value in values {
            if let value { value.withUnsafeBytes { arrays.append($0) } } else { arrays.appendEmpty() }
        }
        return TestColumn(
            field: Field(name: name, type: .binary),
            column: Column(.bytes(arrays), validity: validity(values)),
            expected: canonical(values) { "b:" + Data($0).base64EncodedString() }, arrowType: "binary")
    }

    static func decimal(_ name: String, precision: Int, scale: Int, _ unscaled: [Int128?]) -> TestColumn {
        let field = Field(name: name, type: .decimal(precision: precision, scale: scale))
        let values: ColumnValues
        switch field.type.storage {
        case .int32s: values = .int32s(unscaled.map { Int32($0 ?? 0) })
        case .int64s: values = .int64s(unscaled.map { Int64($0 ?? 0) })
        default: values = .int128s(unscaled.map { $0 ?? 0 })
        }
        return TestColumn(
            field: field, column: Column(values, validity: validity(unscaled)),
            expected: canonical(unscaled) { String($0) },
            arrowType: "decimal128(\(precision), \(scale))")
    }

    static func hexBits(_ value: Double) -> String {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { $0.map { String(format: "%02x", $0) }.joined() }
    }

    private static func validity<T>(_ values: [T?]) -> [UInt8]? {
        values.contains { $0 == nil } ? values.map { $0 == nil ? 0 : 1 } : nil
    }
}

/// Writes test columns to a temporary Parquet file and describes them for the checker.
struct TestTable {
    var columns: [TestColumn]
    var rowCount: Int { columns.first?.column.count ?? 0 }

    var schema: Schema { Schema(columns.map(\.field)) }

    func batch() throws -> RecordBatch {
        try RecordBatch(schema: schema, columns: columns.map(\.column))
    }

    /// Writes the table in batches of `batchRows` and returns the file path.
    @discardableResult
    func write(to path: String, options: WriterOptions, batchRows: Int? = nil) throws -> FileMetaData {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        defer { close(fd) }
        let sink = FileDescriptorSink(fileDescriptor: fd, path: path)
        let writer = try ParquetFileWriter(sink: sink, schema: schema, options: options)
        let full = try batch()
        let step = max(1, batchRows ?? max(rowCount, 1))
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + step)
            try writer.write(slice(full, start..<end))
            start = end
        }
        return try writer.close()
    }

    func expectation(path: String, extra: [String: Any] = [:]) -> [String: Any] {
        var spec: [String: Any] = [
            "path": path,
            "rows": rowCount,
            "columns": columns.map { column -> [String: Any] in
                ["name": column.field.name, "values": column.expected, "arrow_type": column.arrowType,
                 "nullable": column.field.nullable]
            },
            "created_by_prefix": "pyforge",
        ]
        spec.merge(extra) { _, new in new }
        return spec
    }

    private func slice(_ batch: RecordBatch, _ rows: Range<Int>) throws -> RecordBatch {
        let columns = batch.columns.map { column -> Column in
            let validity = column.validity.map { Array($0[rows]) }
            switch column.values {
            case .booleans(let v): return Column(.booleans(Array(v[rows])), validity: validity)
            case .int32s(let v): return Column(.int32s(Array(v[rows])), validity: validity)
            case .int64s(let v): return Column(.int64s(Array(v[rows])), validity: validity)
            case .int128s(let v): return Column(.int128s(Array(v[rows])), validity: validity)
            case .doubles(let v): return Column(.doubles(Array(v[rows])), validity: validity)
            case .bytes(let b):
                let first = b.offsets[rows.lowerBound]
                let offsets = b.offsets[rows.lowerBound...rows.upperBound].map { $0 - first }
                let data = Array(b.data[Int(first)..<Int(b.offsets[rows.upperBound])])
                return Column(.bytes(ByteArrays(offsets: offsets, data: data)), validity: validity)
            }
        }
        return try RecordBatch(schema: batch.schema, columns: columns)
    }
}

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// Canonical values for the checker: the transform of each value, NSNull for nulls.
func canonical<T>(_ values: [T?], _ transform: (T) -> Any) -> [Any] {
    values.map { value -> Any in
        if let value { return transform(value) }
        return NSNull()
    }
}
