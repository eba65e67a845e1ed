/// Column names made unique by one rule for every format: a name already taken by an
/// earlier column gets the first free suffix `_1`, `_2`… (`x`, `x_1`), so no value is
/// merged into another column or dropped. Each rename is kept for a warning naming both
/// columns. Header cells are also trimmed, and an empty one is `column_N`.
public struct ColumnNames {
    public struct Rename: Equatable {
        public let original: String
        public let renamed: String
        /// Positions (in the reader's own numbering) of the column that kept the name and of the renamed one.
        public let earlier: Int
        public let position: Int
    }

    private var owner: [String: Int] = [:]
    private var nextSuffix: [String: Int] = [:]
    public private(set) var renames: [Rename] = []

    public init() {}

    /// A header cell's name: trimmed, `column_N` when empty, then made distinct.
    public mutating func unique(_ raw: String, position: Int) -> String {
        var name = raw.trimmingWhitespace()
        if name.isEmpty { name = "column_\(position + 1)" }
        return distinct(name, position: position)
    }

    /// `name`, or `name_N` with the first N whose name is free.
    public mutating func distinct(_ name: String, position: Int) -> String {
        guard let earlier = owner[name] else {
            owner[name] = position
            return name
        }
        var n = nextSuffix[name, default: 1]
        var candidate = "\(name)_\(n)"
        while owner[candidate] != nil {
            n += 1
            candidate = "\(name)_\(n)"
        }
        nextSuffix[name] = n + 1
        owner[candidate] = position
        renames.append(Rename(original: name, renamed: candidate, earlier: earlier, position: position))
        return candidate
    }

    /// One warning for the renames (the first five spelled out); `describe` says where a
    /// column comes from ("header column 3", "the key \"a.b\"").
    public func warning(in path: String, _ describe: (Int) -> String) -> String? {
        guard !renames.isEmpty else { return nil }
        let shown = renames.prefix(5).map {
            "the column of \(describe($0.position)) is '\($0.renamed)' because '\($0.original)' is taken by \(describe($0.earlier))"
        }
        let more = renames.count > 5 ? "; and \(renames.count - 5) more" : ""
        return "Column names in '\(path)' clash: " + shown.joined(separator: "; ") + more + "."
    }
}
