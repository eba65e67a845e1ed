import Pipeline
import FormatKit
import CSVFormat

/// The CSV tokenizer, sniffer (dialect, header, title rows, encoding) and reader, with the
/// option sets chosen by the input's length so each input meets one of them.
enum CSVFuzz {
    static let optionSets: [CSVOptions] = [
        CSVOptions(),
        CSVOptions(allStrings: true),
        CSVOptions(allowRagged: true, nullValues: ["NA", ""]),
        CSVOptions(delimiter: UInt8(ascii: ";"), quote: .some(nil), escape: UInt8(ascii: "\\"), hasHeader: false, skipRows: 1),
    ]

    static func run(_ bytes: [UInt8]) {
        // What the Databricks extension sniffs: a dialect from the first bytes of a ranged read,
        // and whether quoted fields span lines (Spark's multiLine).
        bytes.withUnsafeBytes { prefix in
            let dialect = CSVDialect.sniff(prefix: prefix, isWholeFile: bytes.count % 2 == 0, fileName: "input.csv")
            _ = dialect.quotesLineBreaks(in: prefix, isWholeFile: bytes.count % 2 == 0)
        }
        let options = optionSets[bytes.count % optionSets.count]
        TableDrain.drainTextFile(bytes, named: "input.csv") { path in CSVSource(path: path, options: options) }
    }
}
