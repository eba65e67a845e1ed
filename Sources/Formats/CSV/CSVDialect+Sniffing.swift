import FormatKit

extension CSVDialect {
    /// The dialect the CSV reader picks for a file, worked out from its first bytes alone:
    /// for a caller that hands the file to another reader and must have it read as pyforge
    /// reads it (the Databricks extension's options for Spark's CSV reader).
    ///
    /// `prefix` is the start of the file as stored (ASCII-compatible text, not compressed),
    /// `isWholeFile` whether it is all of it, and `fileName` the file's name (`.tsv`/`.tab`
    /// declare tabs). The delimiter an Excel `sep=` first line declares is kept, the quote and
    /// escape are sniffed, and the header is decided on the row after any title rows, all as
    /// the reader does; the encoding is left at UTF-8.
    public static func sniff(prefix: UnsafeRawBufferPointer, isWholeFile: Bool, fileName: String) -> CSVDialect {
        var sample = UnsafeRawBufferPointer(rebasing: prefix[0..<Swift.min(prefix.count, CSVSniffer.sampleBytes)])
        let wholeFile = isWholeFile && prefix.count <= CSVSniffer.sampleBytes
        let separator = CSVPreamble.separatorLine(sample, isWholeFile: wholeFile)
        if let separator { sample = UnsafeRawBufferPointer(rebasing: sample[separator.length...]) }
        let name = InputCompression.split(fileName).inner
        return CSVSniffer.layout(
            sample, isWholeFile: wholeFile, declaredDelimiter: separator?.delimiter, name: name, options: CSVOptions()
        ).dialect
    }

    /// Whether a quoted field among the complete records of `sample` holds a line break,
    /// or the sample ends inside a quoted field that does: a reader that splits a file at
    /// line ends (Spark's CSV reader without `multiLine`) would cut such a record in two.
    public func quotesLineBreaks(in sample: UnsafeRawBufferPointer, isWholeFile: Bool) -> Bool {
        guard quote != nil else { return false }
        var spans: [SimpleRecordParser.Span] = []
        var pos = 0
        while let record = SimpleRecordParser.scan(sample, from: pos, dialect: self, isFinal: isWholeFile, into: &spans) {
            for span in spans where span.quoted && sample[span.start..<span.end].contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                return true
            }
            pos = record.next
        }
        // What is left is one incomplete record (after any blank lines): a line break in it
        // can only be inside a quote, since an unquoted one would have ended the record.
        let rest = sample[pos...].drop(while: { $0 == 0x0A || $0 == 0x0D })
        return rest.contains(where: { $0 == 0x0A || $0 == 0x0D })
    }
}
