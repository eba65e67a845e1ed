import Columnar
import FormatKit

/// A dBase (.dbf) table as a table source: the column types come from the header.
public final class DBaseSource: TableSource {
    public let path: String
    public var formatName: String { "dbf" }
    let options: DBaseOptions

    public init(path: String, options: DBaseOptions) {
        self.path = path
        self.options = options
    }

    public func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        DBaseReader(table: try DBaseTable(path: path, options: options), options: options, progress: progress)
    }
}

/// `info` and `validate` for dBase tables: the header, and every record read.
public enum DBaseInspector {
    public static func info(path: String, options: DBaseOptions) throws(ConversionError) -> FileInfo {
        let table = try DBaseTable(path: path, options: options)
        let reader = DBaseReader(table: table, options: options, progress: nil)
        while case .batch = try reader.next() {}
        let visible = table.header.fields.filter { !$0.isSystem }
        let columns = reader.schema.fields.enumerated().map { index, field in
            FileInfo.Column(
                name: field.name, type: field.type.name, nullable: field.nullable,
                physicalType: index < visible.count ? visible[index].spec : nil)
        }
        var details = Dictionary(reader.details, uniquingKeysWith: { a, _ in a })
        details["fields"] = String(table.header.fields.filter { !$0.isSystem }.count)
        return FileInfo(
            path: path, format: "dbf", sizeBytes: table.file.size, rows: reader.rows, columns: columns,
            details: details, rowGroups: nil, warnings: reader.warnings)
    }
}
