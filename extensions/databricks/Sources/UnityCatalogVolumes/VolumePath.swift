/// A path in a Unity Catalog Volume: `/Volumes/<catalog>/<schema>/<volume>/<path>`.
///
/// Parsed from `/Volumes/...` or `dbfs:/Volumes/...`; names and components are kept as
/// written (Unity Catalog compares names case-insensitively).
public struct VolumePath: Sendable, Hashable, CustomStringConvertible {
    /// The three names that locate a volume.
    public enum Part: String, Sendable, Hashable {
        /// The first name after `/Volumes/`.
        case catalog
        /// The second name.
        case schema
        /// The third name.
        case volume
    }

    /// The catalog name, as written.
    public var catalog: String
    /// The schema name, as written.
    public var schema: String
    /// The volume name, as written.
    public var volume: String
    /// The path inside the volume; empty for the volume root.
    public var components: [String]

    /// Creates a path from parts without validating them; use ``init(parsing:)`` for user input.
    public init(catalog: String, schema: String, volume: String, components: [String] = []) {
        self.catalog = catalog
        self.schema = schema
        self.volume = volume
        self.components = components
    }

    /// Parses and validates `/Volumes/c/s/v/a/b.csv` or `dbfs:/Volumes/c/s/v/a/b.csv`.
    ///
    /// One trailing `/` is allowed (a directory); empty components, `.` and `..` are not.
    public init(parsing text: String) throws(VolumePathError) {
        self = try VolumePathParser.parse(text)
    }

    /// Whether `text` starts like a volume path (`/Volumes/` or `dbfs:/Volumes/`); `Volumes` is
    /// case-sensitive, as on Databricks.
    public static func looksLikeVolumePath(_ text: String) -> Bool {
        text.hasPrefix("/Volumes/") || text.hasPrefix("dbfs:/Volumes/")
    }

    /// The canonical form, `/Volumes/c/s/v/a/b.csv`.
    public var path: String {
        (["", "Volumes", catalog, schema, volume] + components).joined(separator: "/")
    }

    /// The canonical path, as ``path``.
    public var description: String { path }

    /// The containing directory; nil for the volume root.
    public var parent: VolumePath? {
        guard !components.isEmpty else { return nil }
        return VolumePath(catalog: catalog, schema: schema, volume: volume, components: components.dropLast())
    }

    /// The file or directory name; nil for the volume root.
    public var lastComponent: String? { components.last }

    /// The volume root this path lies in.
    public var volumeRoot: VolumePath {
        VolumePath(catalog: catalog, schema: schema, volume: volume)
    }

    /// `catalog.schema.volume`, the volume's full name in SQL and in grants.
    public var volumeFullName: String { "\(catalog).\(schema).\(volume)" }
}
