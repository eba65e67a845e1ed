import FormatKit
/// Where the records are in a JSON file whose top level is one object holding them, such as
/// `{"3166-1": [{…}, {…}]}` (ISO code lists, API dumps): converting that object as one row
/// with one JSON column is never what the user meant.
///
/// The rule: the file is exactly one object, and exactly one of its members is an array of
/// objects (or an empty array) — those objects are the records; the other members are named
/// in a warning. Several such members are ambiguous: an error says to choose one with
/// `--record-path`. A file of one object per line (NDJSON) is recognised when a second
/// top-level value starts, so for NDJSON only the first record is walked.
enum JSONRecordsLocation {
    /// The member path of the records' array and the other members' names; nil when the
    /// file is an array, one object per line, or one object without an array of objects.
    static func detect(path: String) throws(ConversionError) -> (path: [String], ignored: [String])? {
        let source = try JSONInput.open(path)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
        defer { chunk.deallocate() }

        var walk = JSONStructureWalk()
        var topIsObject = false
        var closedTop = false
        var moreThanOne = false
        var memberKey: [UInt8]?
        var watching: [UInt8]?
        var candidates: [[UInt8]] = []
        var others: [[UInt8]] = []
        reading: while true {
            let count = try source.read(into: chunk)
            if count == 0 { break }
            let bytes = UnsafePointer(chunk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            let stop: Int?
            do {
                stop = try walk.feed(bytes, from: 0, to: count) { event, depth in
                    switch event {
                    case .value(let byte):
                        if depth == 0 {
                            if closedTop {
                                moreThanOne = true
                                return false
                            }
                            topIsObject = byte == UInt8(ascii: "{")
                            return topIsObject
                        }
                        if depth == 1, let key = memberKey {
                            memberKey = nil
                            if byte == UInt8(ascii: "[") { watching = key } else { others.append(key) }
                        } else if depth == 2, let key = watching {
                            watching = nil
                            if byte == UInt8(ascii: "{") { candidates.append(key) } else { others.append(key) }
                        }
                    case .key(let key):
                        if depth == 1 { memberKey = key }
                    case .closed:
                        if depth == 1, let key = watching {  // an empty array: zero records
                            watching = nil
                            candidates.append(key)
                        }
                        if depth == 0 { closedTop = true }
                    }
                    return true
                }
            } catch {
                return nil  // not well-formed: the reader reports it where it finds it
            }
            if stop != nil { break reading }
        }
        guard topIsObject, closedTop, !moreThanOne, !candidates.isEmpty else { return nil }
        let names = candidates.map { String(decoding: $0, as: UTF8.self) }
        guard names.count == 1 else {
            let listed = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            throw .invalidOption(
                "'\(path)' is one JSON object holding \(names.count) arrays of records (\(listed)), so which one to convert is not clear: choose one with --record-path, e.g. --record-path \(names[0]).")
        }
        return ([names[0]], others.map { String(decoding: $0, as: UTF8.self) })
    }
}
