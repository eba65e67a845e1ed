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
        let name = TextInputName.name("input.xml", for: bytes)
        let path = ScratchFile.write(bytes, named: name)
        defer { ScratchFile.remove(name) }
        let options = optionSets[bytes.count % optionSets.count]
        TableDrain.drain { () throws(ConversionError) in XMLSource(path: path, options: options) }
    }
}
