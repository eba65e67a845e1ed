import Platform

/// Directories made for an output because they were missing, as `mkdir -p` makes them, and
/// remembered so that a conversion that fails can remove exactly these again.
public struct CreatedDirectories: Sendable {
    /// Shallowest first.
    public private(set) var paths: [String] = []

    /// None yet.
    public init() {}

    /// Creates `directory` and whichever of its ancestors are missing.
    public static func make(_ directory: String) throws(ConversionError) -> CreatedDirectories {
        var created = CreatedDirectories()
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) == 0 {
                created.paths.append(prefix)
            } else if errno != EEXIST {
                let reason = systemMessage(errno)
                created.removeIfEmpty()
                throw .io(operation: "create the output directory", path: prefix, reason: reason)
            }
            prefix += "/"
        }
        return created
    }

    /// Removes the created directories deepest first; one that is not empty (something else
    /// was put there meanwhile) is kept, and so are its ancestors.
    public func removeIfEmpty() {
        for path in paths.reversed() where rmdir(path) != 0 { return }
    }
}
