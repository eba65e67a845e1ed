/// How an XML document becomes rows and columns.
public struct XMLOptions: Sendable, Equatable {
    /// How deep nested elements become their own columns.
    public enum Flatten: String, Sendable, CaseIterable {
        /// Only the record's attributes and direct children are columns; deeper text joins its level-one ancestor's.
        case conservative
        /// Every nested element and attribute is a column with a dotted name (`address.city`).
        case moderate
        /// As moderate, and an element with mixed content also keeps its full text (descendants included).
        case aggressive
    }

    /// What a child element repeated inside one record becomes.
    public enum Arrays: String, Sendable, CaseIterable {
        /// One output row per occurrence of the first repeated child; the other columns repeat.
        case expand
        /// The values joined with "; ".
        case concatenate
        /// A JSON array of the values as strings (`["a","b"]`).
        case jsonString = "json_string"
    }

    /// How namespaced names are written in column names.
    public enum Namespaces: String, Sendable, CaseIterable {
        /// `{uri}name`.
        case preserve
        /// The local name only.
        case strip
        /// `prefix:name` as written in the document.
        case prefix
    }

    /// Elements from the root to the record element (`catalog/book`); `*` matches any name.
    public var recordPath: [String]?
    /// The record element's name, matched at any depth; several names separated by commas
    /// (`entry,entry_3`) make one table of all of them, with a `#row_tag` column.
    public var rowTag: String?
    public var flatten: Flatten
    public var arrays: Arrays
    public var namespaces: Namespaces
    public var allStrings: Bool

    public init(
        recordPath: [String]? = nil, rowTag: String? = nil, flatten: Flatten = .moderate, arrays: Arrays = .jsonString,
        namespaces: Namespaces = .strip, allStrings: Bool = false
    ) {
        self.recordPath = recordPath
        self.rowTag = rowTag
        self.flatten = flatten
        self.arrays = arrays
        self.namespaces = namespaces
        self.allStrings = allStrings
    }

    /// The names in `rowTag` (`entry,entry_3` gives two); empty without `rowTag`.
    public var rowTags: [String] {
        rowTag.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
    }

    /// `a/b/c` (a leading `/` allowed) as path components; nil when empty.
    public static func parseRecordPath(_ text: String) -> [String]? {
        let parts = text.split(separator: "/").map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else { return nil }
        return parts
    }
}
