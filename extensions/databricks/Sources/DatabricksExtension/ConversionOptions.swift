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

    init(_ value: JSONValue?) {
        guard case .object(let members)? = value else { return }
        if case .string(let name)? = members["engine"] { engine = Engine(rawValue: name.lowercased()) ?? .auto }
        if case .bool(let flag)? = members["force"] { force = flag }
        if case .bool(let flag)? = members["direct"] { direct = flag }
        if case .string(let name)? = members["table"], !name.isEmpty { table = name }
        if case .string(let value)? = members["mode"] { mode = value.lowercased() }
    }

    init(engine: Engine = .auto, force: Bool = false, direct: Bool = false) {
        self.engine = engine
        self.force = force
        self.direct = direct
    }
}
