import ArgumentParser
import PyForgeCore

/// How XML input becomes rows and columns.
struct XMLInputOptions: ParsableArguments {
    @Option(help: "XML: path of the record element from the root, e.g. catalog/book ('*' matches any name; default: the shallowest element that repeats). JSON: the member path of the array of records in a top-level object, e.g. data.items (default: the object's only array of objects).")
    var recordPath: String?

    @Option(help: "Name of the record element, matched at any depth (alternative to --record-path); several names separated by commas (entry,entry_3) make one table with a '#row_tag' column naming each row's element.")
    var rowTag: String?

    @Option(help: "Nested elements: conservative (one level), moderate (all levels, the default), aggressive (all levels plus full text of mixed content).")
    var flattenStrategy: String?

    @Option(help: "Children repeated in a record: json_string (JSON array, the default), concatenate (joined with '; '), expand (one row per item of the first repeated child).")
    var arrayHandling: String?

    @Option(help: "Namespaced names: strip (local name, the default), prefix (prefix:name), preserve ({uri}name).")
    var namespaceHandling: String?

    func validate() throws {
        if recordPath != nil && rowTag != nil {
            throw ValidationError("Pass either --record-path or --row-tag, not both.")
        }
        if let recordPath, XMLOptions.parseRecordPath(recordPath) == nil {
            throw ValidationError("--record-path must be names without spaces, separated by '/' for XML (catalog/book) or '.' for JSON (data.items); got '\(recordPath)'.")
        }
        if let rowTag, rowTag.split(separator: ",", omittingEmptySubsequences: false).contains(where: { name in
            name.isEmpty || name.contains("/") || name.contains(where: \.isWhitespace)
        }) {
            throw ValidationError("--row-tag must be element names separated by commas (use --record-path for a path); got '\(rowTag)'.")
        }
        try Self.check(flattenStrategy, XMLOptions.Flatten.self, "--flatten-strategy")
        try Self.check(arrayHandling, XMLOptions.Arrays.self, "--array-handling")
        try Self.check(namespaceHandling, XMLOptions.Namespaces.self, "--namespace-handling")
    }

    var given: [ConvertOption] {
        [(recordPath != nil, ConvertOption.recordPath), (rowTag != nil, .rowTag), (flattenStrategy != nil, .flattenStrategy),
         (arrayHandling != nil, .arrayHandling), (namespaceHandling != nil, .namespaceHandling)].compactMap { $0.0 ? $0.1 : nil }
    }

    private static func check<T: RawRepresentable & CaseIterable>(_ value: String?, _: T.Type, _ flag: String) throws
    where T.RawValue == String {
        guard let value, T(rawValue: value.lowercased()) == nil else { return }
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("Unknown \(flag) '\(value)'. Use one of: \(names).")
    }

    func xmlOptions(allStrings: Bool) -> XMLOptions {
        XMLOptions(
            recordPath: recordPath.flatMap(XMLOptions.parseRecordPath), rowTag: rowTag,
            flatten: flattenStrategy.flatMap { XMLOptions.Flatten(rawValue: $0.lowercased()) } ?? .moderate,
            arrays: arrayHandling.flatMap { XMLOptions.Arrays(rawValue: $0.lowercased()) } ?? .jsonString,
            namespaces: namespaceHandling.flatMap { XMLOptions.Namespaces(rawValue: $0.lowercased()) } ?? .strip,
            allStrings: allStrings)
    }
}
