import ExtensionProtocol

/// What the host tells the extension about a conversion beyond its paths (protocol 1.1
/// `options`): the engine the user asked for, whether an existing output may be replaced,
/// and whether `output.path` is the final destination (a Unity Catalog Volume path the
/// host cannot reach) rather than a temporary file the host will validate and move.
struct ConversionOptions: Sendable, Equatable {
    enum Engine: String, Sendable {
        case auto, spark, core
    }

    var engine: Engine = .auto
    var force = false
    var direct = false
    /// `--table`: write this catalog table instead of a file, with `mode` (`error`,
    /// `append`, `overwrite`).
    var table: String?
    var mode: String?
    /// A Delta output: `--partition-by` columns and `--merge-schema`.
    var partitionBy: [String] = []
    var mergeSchema = false

    init(_ value: JSONValue?) {
        guard case .object(let members)? = value else { return }
        if case .string(let name)? = members["engine"] { engine = Engine(rawValue: name.lowercased()) ?? .auto }
        if case .bool(let flag)? = members["force"] { force = flag }
        if case .bool(let flag)? = members["direct"] { direct = flag }
        if case .string(let name)? = members["table"], !name.isEmpty { table = name }
        if case .string(let value)? = members["mode"] { mode = value.lowercased() }
        if case .array(let names)? = members["partitionBy"] {
            partitionBy = names.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        }
        if case .bool(let flag)? = members["mergeSchema"] { mergeSchema = flag }
    }

    /// How a Delta table is written: `error`, `append` or `overwrite`.
    var deltaMode: String {
        let chosen = mode ?? "error"
        return force && chosen == "error" ? "overwrite" : chosen
    }

    /// The core's write options for a Delta table: the mode (`--force` makes `error` an
    /// overwrite, as for the host's own Delta outputs), partitioning and schema merging.
    var deltaArguments: [String] {
        var arguments = ["--mode", deltaMode]
        if !partitionBy.isEmpty { arguments += ["--partition-by", partitionBy.joined(separator: ",")] }
        if mergeSchema { arguments.append("--merge-schema") }
        return arguments
    }

    init(engine: Engine = .auto, force: Bool = false, direct: Bool = false) {
        self.engine = engine
        self.force = force
        self.direct = direct
    }
}
