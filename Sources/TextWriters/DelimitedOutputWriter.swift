import Columnar
import FormatKit

/// Writes RFC 4180 CSV with a header row; nulls are empty fields, empty strings "".
public final class DelimitedOutputWriter: OutputWriter {
    private var output: TextOutput
    private let schema: Schema

    public init(fileDescriptor: Int32, path: String, schema: Schema) {
        output = TextOutput(fileDescriptor: fileDescriptor, path: path)
        self.schema = schema
        for (i, field) in schema.fields.enumerated() {
            if i > 0 { output.buffer.append(0x2C) }
            CellText.appendCSVField(ArraySlice(field.name.utf8), to: &output.buffer)
        }
        output.buffer.append(0x0A)
    }

    public func write(_ batch: RecordBatch) throws(ConversionError) {
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

    public func finish() throws(ConversionError) {
        try output.finish()
    }
}
