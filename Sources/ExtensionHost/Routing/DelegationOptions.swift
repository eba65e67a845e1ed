import ExtensionProtocol
import PyForgeCore

/// The `options` the host sends with `probe` and `convert` (protocol 1.1).
struct DelegationOptions: Sendable, Equatable {
    /// `auto`, `core`, or an engine an extension provides (`spark`).
    var engine: String
    /// The user allows replacing an existing output.
    var force: Bool
    /// `output.path` is the final destination, which only the extension can reach.
    var direct: Bool
    /// `--table`: the catalog table to write instead of a file, and how (`error`, `append`,
    /// `overwrite`).
    var table: String? = nil
    var mode: String? = nil

    var json: JSONValue {
        var members: [String: JSONValue] = ["engine": .string(engine), "force": .bool(force), "direct": .bool(direct)]
        if let table { members["table"] = .string(table) }
        if let mode { members["mode"] = .string(mode) }
        return .object(members)
    }

    /// The string members of a convert result's `metadata` become the result's details;
    /// its `columns` ([{name, type}]) the column summary.
    static func details(_ metadata: JSONValue) -> (details: [String: String], columns: [ConversionResult.ColumnSummary]) {
        guard case .object(let members) = metadata else { return ([:], []) }
        var details: [String: String] = [:]
        for (key, value) in members { if case .string(let text) = value { details[key] = text } }
        var columns: [ConversionResult.ColumnSummary] = []
        if case .array(let items)? = members["columns"] {
            for case .object(let column) in items {
                guard case .string(let name)? = column["name"] else { continue }
                var type = "unknown"
                if case .string(let text)? = column["type"] { type = text }
                columns.append(ConversionResult.ColumnSummary(name: name, type: type, nullable: true))
            }
        }
        return (details, columns)
    }
}
