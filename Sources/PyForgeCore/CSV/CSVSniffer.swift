/// Guesses a CSV file's delimiter and whether it has a header from its first records.
enum CSVSniffer {
    static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
    static let sampleRecords = 50

    /// The candidate whose records most consistently split into the same number (> 1) of fields.
    static func delimiter(_ sample: UnsafeRawBufferPointer, isWholeFile: Bool) -> UInt8 {
        var best: (delimiter: UInt8, score: Int) = (candidates[0], -1)
        for candidate in candidates {
            var counts: [Int] = []
            var pos = 0
            while counts.count < sampleRecords,
                let record = SimpleRecordParser.record(sample, from: pos, delimiter: candidate, isFinal: isWholeFile)
            {
                counts.append(record.fields.count)
                pos = record.next
            }
            guard let first = counts.first, first > 1 else { continue }
            let consistent = counts.filter { $0 == first }.count
            // Consistency first, then more columns (",", ";" inside text splits less evenly).
            let score = consistent * 1000 + min(first, 999)
            if score > best.score { best = (candidate, score) }
        }
        return best.delimiter
    }

    /// A header is assumed unless the first record looks like data: some column holds a
    /// typed value (number, date, boolean) in the first record just as in the records after it.
    static func hasHeader(_ sample: UnsafeRawBufferPointer, delimiter: UInt8, isWholeFile: Bool) -> Bool {
        var records: [SimpleRecordParser.Record] = []
        var pos = 0
        while records.count < sampleRecords,
            let record = SimpleRecordParser.record(sample, from: pos, delimiter: delimiter, isFinal: isWholeFile)
        {
            records.append(record)
            pos = record.next
        }
        guard let first = records.first, records.count > 1 else { return true }
        for column in 0..<first.fields.count {
            let head = type(of: first.fields[column])
            guard head != .string, head != .unknown else { continue }
            let rest = records.dropFirst().compactMap { $0.fields.count > column ? type(of: $0.fields[column]) : nil }
                .filter { $0 != .unknown }
            if !rest.isEmpty && rest.allSatisfy({ $0 != .string }) { return false }
        }
        return true
    }

    private static func type(of field: [UInt8]) -> InferredType {
        guard !field.isEmpty else { return .unknown }
        return field.withUnsafeBufferPointer { InferredType.classify($0.baseAddress!, $0.count) }
    }
}
