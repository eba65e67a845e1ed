import JSONFormat
import FormatKit

/// JSON and NDJSON: the scanner, the structure walk that finds the records, the record
/// parser and the column builders; flattening and record paths chosen by the input's length.
enum JSONFuzz {
    static let optionSets: [JSONOptions] = [
        JSONOptions(),
        JSONOptions(flatten: false),
        JSONOptions(allStrings: true),
        JSONOptions(recordPath: ["data", "items"]),
    ]

    static func run(_ bytes: [UInt8]) {
        // NDJSON and JSON take the same reader; the extension only changes the name shown.
        let options = optionSets[(bytes.count / 2) % optionSets.count]
        let name = bytes.count % 2 == 0 ? "input.json" : "input.ndjson"
        TableDrain.drainTextFile(bytes, named: name) { path in JSONSource(path: path, options: options) }
    }
}
