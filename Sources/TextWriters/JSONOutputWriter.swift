import Columnar
import FormatKit

/// Writes a JSON array of objects, or one object per line (NDJSON).
public final class JSONOutputWriter: OutputWriter {
    private var output: TextOutput
    private let keys: [[UInt8]]
    private let types: [DataType]
    private let lines: Bool
    private var rowsWritten = 0
    private var nonFinite = 0

    public init(fileDescriptor: Int32, path: String, schema: Schema, lines: Bool) {
        output = TextOutput(fileDescriptor: fileDescriptor, path: path)
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

    public var warnings: [String] {
        nonFinite > 0 ? ["\(nonFinite) NaN or infinite value(s) were written as null (JSON has no such numbers)."] : []
    }

    public func write(_ batch: RecordBatch) throws(ConversionError) {
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

    public func finish() throws(ConversionError) {
        if !lines { output.buffer.append(contentsOf: Array("\n]\n".utf8)) }
        try output.finish()
    }
}
