/// Splits and validates volume path text, naming the first problem found.
enum VolumePathParser {
    /// Unity Catalog's limit on object names.
    static let maximumNameLength = 255

    static func parse(_ text: String) throws(VolumePathError) -> VolumePath {
        let rest = try stripPrefix(text)
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if components.last == "" { components.removeLast() }  // one trailing slash names a directory
        let parts: [VolumePath.Part] = [.catalog, .schema, .volume]
        if components.count < parts.count {
            if components.contains("") { throw VolumePathError(text: text, problem: .emptyComponent) }
            throw VolumePathError(text: text, problem: .missing(parts[components.count]))
        }
        for component in components {
            if component.isEmpty { throw VolumePathError(text: text, problem: .emptyComponent) }
            if component == "." || component == ".." {
                throw VolumePathError(text: text, problem: .relativeComponent(component))
            }
            if component.unicodeScalars.contains(where: isControl) {
                throw VolumePathError(text: text, problem: .controlCharacter(component))
            }
        }
        for (part, name) in zip(parts, components) {
            if let problem = nameProblem(name) {
                throw VolumePathError(text: text, problem: .invalidName(part, name, problem))
            }
        }
        return VolumePath(
            catalog: components[0], schema: components[1], volume: components[2],
            components: Array(components.dropFirst(3)))
    }

    /// Returns the text after `/Volumes/` (an accepted `dbfs:` scheme removed).
    private static func stripPrefix(_ text: String) throws(VolumePathError) -> Substring {
        var body = Substring(text)
        if body.hasPrefix("dbfs:") {
            body = body.dropFirst("dbfs:".count)
            guard body.hasPrefix("/Volumes/") || body == "/Volumes" else {
                throw VolumePathError(text: text, problem: .dbfsOutsideVolumes)
            }
        }
        if body == "/Volumes" || body == "/Volumes/" {
            throw VolumePathError(text: text, problem: .missing(.catalog))
        }
        guard body.hasPrefix("/Volumes/") else {
            throw VolumePathError(text: text, problem: .notUnderVolumes)
        }
        return body.dropFirst("/Volumes/".count)
    }

    /// Unity Catalog names may not hold `.`, space, `/`, ASCII control characters or DEL, nor exceed 255 characters.
    static func nameProblem(_ name: String) -> VolumePathError.NameProblem? {
        if name.count > maximumNameLength { return .tooLong(name.count) }
        if let bad = name.first(where: { $0 == "." || $0 == " " }) { return .forbiddenCharacter(bad) }
        return nil
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
