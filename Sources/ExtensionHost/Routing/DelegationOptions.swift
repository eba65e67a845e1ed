import ExtensionProtocol
import Pipeline

/// The `options` the host sends with `probe` and `convert` (protocol 1.1; `mode` for Delta
/// outputs since 1.2). A session that negotiated 1.0 gets none (SPEC §4.4).
struct DelegationOptions: Sendable, Equatable {
    /// `auto`, `core`, or an engine an extension provides (`spark`).
    var engine: String
    /// The user allows replacing an existing output.
    var force: Bool
    /// `output.path` is the final destination, which only the extension can reach.
    var direct: Bool
    /// `--table`: the catalog table to write instead of a file; `mode` says how to write it
    /// or a Delta output (`error`, `append`, `overwrite`).
    var table: String? = nil
    var mode: String? = nil
    /// A Delta output to a claimed path (direct, §16.1): `--partition-by` and `--merge-schema`.
    var partitionBy: [String] = []
    var mergeSchema = false

    var json: JSONValue {
        var members: [String: JSONValue] = ["engine": .string(engine), "force": .bool(force), "direct": .bool(direct)]
        if let table { members["table"] = .string(table) }
        if let mode { members["mode"] = .string(mode) }
        if !partitionBy.isEmpty { members["partitionBy"] = .array(partitionBy.map { .string($0) }) }
        if mergeSchema { members["mergeSchema"] = .bool(true) }
        return .object(members)
    }

    /// The string members of a convert result's `metadata` become the result's details;
    /// its `columns` ([{name, type}]) the column summary (nil: the extension sent none, and
    /// the columns come from its validated output).
    static func details(_ metadata: JSONValue) -> (details: [String: String], columns: [ConversionResult.ColumnSummary]?) {
        guard case .object(let members) = metadata else { return ([:], nil) }
        var details: [String: String] = [:]
        for (key, value) in members { if case .string(let text) = value { details[key] = text } }
        guard case .array(let items)? = members["columns"] else { return (details, nil) }
        var columns: [ConversionResult.ColumnSummary] = []
        for case .object(let column) in items {
            guard case .string(let name)? = column["name"] else { continue }
            var type = "unknown"
            if case .string(let text)? = column["type"] { type = text }
            columns.append(ConversionResult.ColumnSummary(name: name, type: type, nullable: true))
        }
        return (details, columns)
    }
}
