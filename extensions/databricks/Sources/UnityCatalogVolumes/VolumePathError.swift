/// Why a text is not a valid Unity Catalog Volume path.
public struct VolumePathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with a catalog, schema or volume name.
    public enum NameProblem: Sendable, Hashable {
        /// Longer than 255 characters (the length is given).
        case tooLong(Int)
        /// Holds `.` or a space.
        case forbiddenCharacter(Character)
    }

    /// The first problem found.
    public enum Problem: Sendable, Hashable {
        /// The text does not start with `/Volumes/` or `dbfs:/Volumes/`.
        case notUnderVolumes
        /// A `dbfs:` path outside `/Volumes`, such as `dbfs:/mnt/x`.
        case dbfsOutsideVolumes
        /// The catalog, schema or volume name is missing.
        case missing(VolumePath.Part)
        /// Two slashes in a row.
        case emptyComponent
        /// A `.` or `..` component.
        case relativeComponent(String)
        /// A component holding an ASCII control character or DEL.
        case controlCharacter(String)
        /// A catalog, schema or volume name Unity Catalog does not allow.
        case invalidName(VolumePath.Part, String, NameProblem)
    }

    /// The text as given.
    public var text: String
    /// What is wrong.
    public var problem: Problem

    /// Creates the error for `text`.
    public init(text: String, problem: Problem) {
        self.text = text
        self.problem = problem
    }

    static let shape = "A volume path looks like /Volumes/<catalog>/<schema>/<volume>/<path>, for example /Volumes/main/sales/raw/orders.csv."

    /// What is wrong and what a valid path looks like.
    public var description: String {
        "'\(printable(text))' is not a Unity Catalog Volume path: \(reason). \(Self.shape)"
    }

    private var reason: String {
        switch problem {
        case .notUnderVolumes:
            return "it does not start with /Volumes/ or dbfs:/Volumes/"
        case .dbfsOutsideVolumes:
            return "only Unity Catalog Volumes are supported, not other DBFS locations"
        case .missing(.catalog):
            return "it names no catalog"
        case .missing(.schema):
            return "it names no schema"
        case .missing(.volume):
            return "it names no volume"
        case .emptyComponent:
            return "it has an empty component (two slashes in a row)"
        case .relativeComponent(let component):
            return "it has a '\(component)' component, and volume paths must be absolute without . or .."
        case .controlCharacter(let component):
            return "the component '\(printable(component))' holds a control character"
        case .invalidName(let part, let name, .tooLong(let length)):
            return "the \(part.rawValue) name '\(name.prefix(40))...' has \(length) characters, more than Unity Catalog's 255"
        case .invalidName(let part, let name, .forbiddenCharacter(let character)):
            let what = character == " " ? "a space" : "'\(character)'"
            return "the \(part.rawValue) name '\(name)' contains \(what), which Unity Catalog names may not contain"
        }
    }

    /// Shows control characters as escapes so the message stays on one line.
    private func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { VolumePathParser.isControl($0) ? $0.escaped(asASCII: true) : String($0) }.joined())
    }
}
