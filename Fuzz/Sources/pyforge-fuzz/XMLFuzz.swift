import XMLFormat
import FormatKit

/// XML: libxml2's push parser under pyforge's entity refusal, the record detector and the
/// record builder, with flattening, arrays and namespaces chosen by the input's length.
enum XMLFuzz {
    static let optionSets: [XMLOptions] = [
        XMLOptions(),
        XMLOptions(flatten: .conservative, arrays: .expand, namespaces: .preserve),
        XMLOptions(rowTag: "row,item", flatten: .aggressive, arrays: .concatenate),
        XMLOptions(recordPath: ["root", "record"], namespaces: .prefix, allStrings: true),
    ]

    static func run(_ bytes: [UInt8]) {
        let options = optionSets[bytes.count % optionSets.count]
        TableDrain.drainTextFile(bytes, named: "input.xml") { path in XMLSource(path: path, options: options) }
    }
}
