import ArgumentParser
import Pipeline
import XMLFormat

/// How XML input becomes rows and columns.
struct XMLInputOptions: ConvertOptionGroup {
    @Option(help: "XML: path of the record element from the root, e.g. catalog/book ('*' matches any name; default: the shallowest element that repeats). JSON: the member path of the array of records in a top-level object, e.g. data.items (default: the object's only array of objects).")
    var recordPath: String?

    @Option(help: "Name of the record element, matched at any depth (alternative to --record-path); several names separated by commas (entry,entry_3) make one table with a '#row_tag' column naming each row's element.")
    var rowTag: String?

    @Option(help: "Nested elements: conservative (one level), moderate (all levels, the default), aggressive (all levels plus full text of mixed content).")
    var flattenStrategy: XMLOptions.Flatten?

    @Option(help: "Children repeated in a record: json_string (JSON array, the default), concatenate (joined with '; '), expand (one row per item of the first repeated child).")
    var arrayHandling: XMLOptions.Arrays?

    @Option(help: "Namespaced names: strip (local name, the default), prefix (prefix:name), preserve ({uri}name).")
    var namespaceHandling: XMLOptions.Namespaces?

    func fill(_ options: inout ConvertOptions) {
        options.recordPath = recordPath
        options.rowTag = rowTag
        options.flattenStrategy = flattenStrategy
        options.arrayHandling = arrayHandling
        options.namespaceHandling = namespaceHandling
    }
}
