import Columnar
import Parquet
import FormatKit

/// Writes RFC 4180 CSV with a header row; nulls are empty fields, empty strings "".
final class DelimitedOutputWriter: OutputWriter {
    private var output: TextOutput
    private let schema: Schema

    init(sink: OutputSink, path: String, schema: Schema) throws(ConversionError) {
        output = TextOutput(sink: sink, path: path)
        self.schema = schema
        for (i, field) in schema.fields.enumerated() {
            if i > 0 { output.buffer.append(0x2C) }
            CellText.appendCSVField(ArraySlice(field.name.utf8), to: &output.buffer)
        }
        output.buffer.append(0x0A)
    }

    func write(_ batch: RecordBatch) throws(ConversionError) {
        for row in 0..<batch.rowCount {
            for (c, column) in batch.columns.enumerated() {
                if c > 0 { output.buffer.append(0x2C) }
                if column.isNull(row) { continue }
                _ = CellText.append(column.values, schema.fields[c].type, row: row, style: .csv, to: &output.buffer)
            }
            output.buffer.append(0x0A)
            try output.flushIfLarge()
        }
    }

    func finish() throws(ConversionError) {
        try output.finish()
    }
}

/// Writes a JSON array of objects, or one object per line (NDJSON).
final class JSONOutputWriter: OutputWriter {
    private var output: TextOutput
    private let keys: [[UInt8]]
    private let types: [DataType]
    private let lines: Bool
    private var rowsWritten = 0
    private var nonFinite = 0

    init(sink: OutputSink, path: String, schema: Schema, lines: Bool) {
        output = TextOutput(sink: sink, path: path)
        self.lines = lines
        types = schema.fields.map(\.type)
        keys = schema.fields.map { field in
            var key: [UInt8] = []
            CellText.appendJSONString(Array(field.name.utf8), to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
        if !lines { output.buffer.append(UInt8(ascii: "[")) }
    }

    var warnings: [String] {
        nonFinite > 0 ? ["\(nonFinite) NaN or infinite value(s) were written as null (JSON has no such numbers)."] : []
    }

    func write(_ batch: RecordBatch) throws(ConversionError) {
        for row in 0..<batch.rowCount {
            if !lines { output.buffer.append(contentsOf: rowsWritten == 0 ? [0x0A] : [0x2C, 0x0A]) }
            output.buffer.append(UInt8(ascii: "{"))
            for (c, column) in batch.columns.enumerated() {
                if c > 0 { output.buffer.append(0x2C) }
                output.buffer.append(contentsOf: keys[c])
                if column.isNull(row) {
                    output.buffer.append(contentsOf: Array("null".utf8))
                } else if !CellText.append(column.values, types[c], row: row, style: .json, to: &output.buffer) {
                    nonFinite += 1
                    output.buffer.append(contentsOf: Array("null".utf8))
                }
            }
            output.buffer.append(UInt8(ascii: "}"))
            if lines { output.buffer.append(0x0A) }
            rowsWritten += 1
            try output.flushIfLarge()
        }
    }

    func finish() throws(ConversionError) {
        if !lines { output.buffer.append(contentsOf: Array("\n]\n".utf8)) }
        try output.finish()
    }
}
