import DBaseFormat
import FormatKit

/// dBase: the header and field descriptors, the column decoders and code pages, and the
/// memo file. An input holding `separator` is split there: the table before it, the memo
/// file (.dbt and .fpt both, whichever the table's version asks for) after it.
enum DBaseFuzz {
    static let separator = Array("\n--PYFORGE-MEMO--\n".utf8)

    static func run(_ bytes: [UInt8]) {
        let (table, memo) = split(bytes)
        let path = ScratchFile.write(table, named: "input.dbf")
        if let memo {
            _ = ScratchFile.write(memo, named: "input.dbt")
            _ = ScratchFile.write(memo, named: "input.fpt")
        }
        defer { ["input.dbf", "input.dbt", "input.fpt"].forEach(ScratchFile.remove) }
        let options = DBaseOptions(includeDeleted: bytes.count % 2 == 1)
        TableDrain.drain { () throws(ConversionError) in DBaseSource(path: path, options: options) }
    }

    static func split(_ bytes: [UInt8]) -> (table: [UInt8], memo: [UInt8]?) {
        guard bytes.count >= separator.count else { return (bytes, nil) }
        for start in 0...(bytes.count - separator.count) where bytes[start] == separator[0] {
            if bytes[start..<(start + separator.count)].elementsEqual(separator) {
                return (Array(bytes[..<start]), Array(bytes[(start + separator.count)...]))
            }
        }
        return (bytes, nil)
    }
}
