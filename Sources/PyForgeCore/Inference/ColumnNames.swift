/// Column names from header cells: trimmed, `column_N` for empty ones, and made unique
/// (`name`, `name_1`, `name_2`…) so no two columns share a name.
struct ColumnNames {
    private var seen: [String: Int] = [:]

    mutating func unique(_ raw: String, position: Int) -> String {
        var name = raw.trimmingWhitespace()
        if name.isEmpty { name = "column_\(position + 1)" }
        if let count = seen[name] {
            var n = count
            var candidate = "\(name)_\(n)"
            while seen[candidate] != nil {
                n += 1
                candidate = "\(name)_\(n)"
            }
            seen[name] = n + 1
            name = candidate
        }
        seen[name, default: 0] += 1
        return name
    }
}
