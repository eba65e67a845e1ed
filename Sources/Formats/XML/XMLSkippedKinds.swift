/// The warning for elements that repeat beside the records but were not converted
/// (`<entry_3>` ×31 beside `<entry>` ×249), with the command lines that convert them.
enum XMLSkippedKinds {
    /// Kinds named in the sentence; the rest are counted.
    static let shownKinds = 8

    /// Nil when nothing repeats beside the records. A lone element beside them (a header)
    /// is not a kind of record and is not reported.
    static func warning(path: String, tally: XMLSiblingTally) -> String? {
        let kinds = tally.skipped.filter { $0.value > 1 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard !kinds.isEmpty, !tally.recordNames.isEmpty else { return nil }
        let records = tally.recordNames.map { "<\($0)>" }.joined(separator: ", ")
        var counts = kinds.prefix(shownKinds).map { "\($0.value) <\($0.key)>" }
        if kinds.count > shownKinds { counts.append("\(kinds.count - shownKinds) more kinds") }
        let stem = outputStem(path)
        let each = kinds.prefix(shownKinds).map { kind in
            "pyforge convert \(shellWord(path)) \(shellWord("\(stem)_\(kind.key).parquet")) --row-tag \(shellWord(kind.key))"
        }
        let union = (tally.recordNames + kinds.map(\.key)).joined(separator: ",")
        let all = "pyforge convert \(shellWord(path)) \(shellWord("\(stem)_all.parquet")) --row-tag \(shellWord(union))"
        let other = tally.otherKinds > 0 ? " (and \(tally.otherKinds) elements of yet other names)" : ""
        return "'\(path)' also holds elements beside its \(records) records that are left out of the table: "
            + counts.joined(separator: ", ") + other + ". Convert them with: " + each.joined(separator: "; ")
            + "; or every kind into one table, whose '\(XMLRecordBuilder.recordKindColumn)' column names each row's element: \(all)"
    }

    /// `dir/data.xml.gz` → `dir/data`: where the suggested outputs go (beside the input).
    static func outputStem(_ path: String) -> String {
        var stem = Substring(path)
        let nameStart = stem.lastIndex(of: "/").map { stem.index(after: $0) } ?? stem.startIndex
        for suffix in [".gz", ".gzip", ".bz2", ".xml"] where stem[nameStart...].lowercased().hasSuffix(suffix) {
            stem = stem.dropLast(suffix.count)
        }
        return stem[nameStart...].isEmpty ? path : String(stem)
    }

    /// A word the shell takes as it is: quoted unless it is plainly safe.
    static func shellWord(_ text: String) -> String {
        let safe = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || [0x2E, 0x2F, 0x2D, 0x5F, 0x2C, 0x3A, 0x40, 0x2B].contains(byte)
        }
        if safe && !text.isEmpty { return text }
        return "'" + text.replacing("'", with: #"'\''"#) + "'"
    }
}
