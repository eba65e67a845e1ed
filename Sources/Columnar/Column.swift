/// A column of a record batch: typed values plus, when the column has nulls,
/// a validity byte per row (1 = value present, 0 = null).
public struct Column: Sendable, Hashable {
    public var values: ColumnValues
    /// `nil` means every row holds a value.
    public var validity: [UInt8]?

    public init(_ values: ColumnValues, validity: [UInt8]? = nil) {
        if let validity { precondition(validity.count == values.count, "validity length must match values") }
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    public var nullCount: Int {
        guard let validity else { return 0 }
        var valid = 0
        for v in validity { valid &+= Int(v) }
        return validity.count - valid
    }

    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return validity[row] == 0
    }
}

/// A slice of a table: a schema and one column per field, all of `rowCount` rows.
public struct RecordBatch: Sendable, Hashable {
    public var schema: Schema
    public var columns: [Column]
    public var rowCount: Int

    public init(schema: Schema, columns: [Column]) throws(ColumnarError) {
        guard schema.count == columns.count else {
            throw .columnCountMismatch(expected: schema.count, actual: columns.count)
        }
        let rows = columns.first?.count ?? 0
        for (index, column) in columns.enumerated() {
            let field = schema.fields[index]
            guard column.count == rows else {
                throw .rowCountMismatch(column: field.name, expected: rows, actual: column.count)
            }
            guard column.values.storage == field.type.storage else {
                throw .storageMismatch(column: field.name, type: field.type)
            }
            if case .bytes(let values) = column.values, values.overflowed {
                throw .valuesTooLarge(column: field.name)
            }
            if !field.nullable, column.nullCount > 0 {
                throw .nullInRequiredColumn(column: field.name)
            }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rows
    }
}

public enum ColumnarError: Error, Sendable, Equatable, CustomStringConvertible {
    case columnCountMismatch(expected: Int, actual: Int)
    case rowCountMismatch(column: String, expected: Int, actual: Int)
    case storageMismatch(column: String, type: DataType)
    case nullInRequiredColumn(column: String)
    case valuesTooLarge(column: String)

    public var description: String {
        switch self {
        case .columnCountMismatch(let expected, let actual):
            return "The batch has \(actual) columns but its schema has \(expected)."
        case .rowCountMismatch(let column, let expected, let actual):
            return "Column '\(column)' has \(actual) rows but the batch has \(expected)."
        case .storageMismatch(let column, let type):
            return "Column '\(column)' holds values that do not match its type \(type.name)."
        case .nullInRequiredColumn(let column):
            return "Column '\(column)' is declared non-nullable but contains nulls."
        case .valuesTooLarge(let column):
            return "Column '\(column)' holds more than \(ByteArrays.maxDataBytes) bytes of values in one batch, past its 32-bit offsets."
        }
    }
}
