import Platform
import Columnar
import FormatKit

/// How an Access database is read.
public struct AccessOptions: Sendable, Equatable {
    /// Tables to convert, by name (any case); empty = every user table.
    public var tables: [String]
    /// The table a single conversion reads (set per table when a database converts to many outputs).
    public var table: String?

    public init(tables: [String] = [], table: String? = nil) {
        self.tables = tables
        self.table = table
    }
}

/// One table of an Access database as a table source.
public final class AccessSource: TableSource {
    public let path: String
    public var formatName: String { "access" }
    let database: AccessDatabase
    let table: String

    init(database: AccessDatabase, table: String) {
        path = database.path
        self.database = database
        self.table = table
    }

    public func openReader(schema: Schema?, progress: ProgressCounter?) throws(ConversionError) -> TableReader {
        try AccessTableReader(database: database, table: table, progress: progress)
    }

    /// The table a single-output conversion reads: the one chosen, else the first selected.
    package static func single(path: String, options: AccessOptions) throws(ConversionError) -> TableSource {
        let database = try AccessDatabase(path: path)
        if let table = options.table { return AccessSource(database: database, table: table) }
        return AccessSource(database: database, table: try AccessSelection.tables(database, options)[0])
    }
}

/// Which tables a conversion reads.
package enum AccessSelection {
    /// The tables `--tables` names (in the order given), or every user table; never empty.
    package static func tables(_ database: AccessDatabase, _ options: AccessOptions) throws(ConversionError) -> [String] {
        guard !database.tables.isEmpty else {
            throw .malformedInput(
                path: database.path, location: "the table catalog", reason: "the database has no user tables (only Access's own system tables)",
                fix: "check that this is the right file; queries, forms and linked tables hold no data of their own")
        }
        if options.tables.isEmpty { return database.tables }
        var result: [String] = []
        for wanted in options.tables {
            guard let name = database.tables.first(where: { $0.lowercased() == wanted.lowercased() }) else {
                let names = database.tables.map { "'\($0)'" }.joined(separator: ", ")
                throw .invalidOption("'\(database.path)' has no table '\(wanted)'. Its tables are \(names); pass names to --tables separated by commas.")
            }
            if !result.contains(name) { result.append(name) }
        }
        return result
    }
}

/// `info` and `validate` for Access databases: every user table read.
package enum AccessInspector {
    package static func info(path: String, options: AccessOptions) throws(ConversionError) -> FileInfo {
        let database = try AccessDatabase(path: path)
        var details: [String: String] = ["version": database.versionName, "tables": String(database.tables.count)]
        var rows = 0
        var first: [FileInfo.Column]?
        for name in try AccessSelection.tables(database, options) {
            let reader = try AccessTableReader(database: database, table: name, progress: nil)
            while case .batch = try reader.next() {}
            rows += reader.rows
            details["table." + name] = "\(reader.rows) rows, \(reader.schema.count) columns"
            if first == nil {
                first = reader.schema.fields.map { FileInfo.Column(name: $0.name, type: $0.type.name, nullable: $0.nullable) }
            }
        }
        return FileInfo(
            path: path, format: "access", sizeBytes: fileSize(path), rows: rows, columns: first ?? [],
            details: details, rowGroups: nil, warnings: [])
    }
}
