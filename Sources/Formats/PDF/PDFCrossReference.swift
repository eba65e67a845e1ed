/// Where an object lives (§7.5.4, §7.5.8).
public enum PDFXRefEntry: Equatable, Sendable {
    case offset(Int, generation: Int)
    case compressed(stream: Int, index: Int)
    case free
}

/// The merged cross-reference of a file and its newest trailer.
public struct PDFCrossReference: Sendable {
    public var entries: [Int: PDFXRefEntry] = [:]
    public var trailer = PDFDictionary()
    /// True when the table was rebuilt by scanning the file for `N G obj`.
    public var reconstructed = false

    /// Adds an older section's entries: newer entries (already present) win.
    mutating func merge(_ older: [Int: PDFXRefEntry]) {
        entries.merge(older) { newer, _ in newer }
    }

    /// Adds an older trailer's keys the newer ones lack.
    mutating func mergeTrailer(_ older: PDFDictionary) {
        trailer.entries.merge(older.entries) { newer, _ in newer }
    }
}

/// Reads cross-reference tables, cross-reference streams and their `/Prev` chain, or
/// rebuilds the table by scanning when they are missing or damaged.
public enum PDFCrossReferenceReader {
    /// Most sections followed through `/Prev` and `/XRefStm`.
    static let maxSections = 4096
    /// Most entries one section may declare.
    static let maxEntries = 10_000_000

    /// The offset after the last `startxref`.
    public static func startOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let at = PDFObjectParser.findLast("startxref", in: bytes, from: max(0, bytes.count - 4096)) else { return nil }
        var lexer = PDFLexer(bytes: bytes, position: at + 9)
        guard case .int(let offset) = try? lexer.next(), offset >= 0, offset < bytes.count else { return nil }
        return offset
    }

    /// Follows `startxref` and every `/Prev` and `/XRefStm`.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(PDFError) -> PDFCrossReference {
        guard let start = startOffset(bytes) else {
            throw .malformed(location: "the end of the file", reason: "there is no valid 'startxref' offset")
        }
        var result = PDFCrossReference()
        var pending = [start]
        var visited = Set<Int>()
        var first = true
        while let offset = pending.popLast() {
            guard visited.insert(offset).inserted else { continue }
            guard visited.count <= maxSections else {
                throw .limit(location: "byte \(offset)", reason: "more than \(maxSections) cross-reference sections are chained")
            }
            let (entries, trailer) = try section(bytes, at: offset)
            result.merge(entries)
            if first { result.trailer = trailer; first = false } else { result.mergeTrailer(trailer) }
            // Hybrid files: the table's own entries, then its stream's, then older sections.
            if let prev = trailer.int("Prev"), prev >= 0, prev < bytes.count { pending.append(prev) }
            if let stm = trailer.int("XRefStm"), stm >= 0, stm < bytes.count, !visited.contains(stm) {
                visited.insert(stm)
                result.merge(try section(bytes, at: stm).0)
            }
        }
        guard result.trailer["Root"] != nil else {
            throw .malformed(location: "byte \(start)", reason: "the trailer names no document catalog (/Root)")
        }
        return result
    }

    /// One classic table with its trailer, or one cross-reference stream.
    static func section(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(PDFError) -> ([Int: PDFXRefEntry], PDFDictionary) {
        var lexer = PDFLexer(bytes: bytes, position: offset)
        if case .keyword(.xref) = try lexer.next() {
            return try table(&lexer)
        }
        var parser = PDFObjectParser(bytes: bytes, position: offset)
        let (reference, object) = try parser.parseIndirectObject()
        guard case .stream(let stream) = object, stream.dictionary.name("Type") == "XRef" else {
            throw .malformed(location: "byte \(offset)", reason: "'startxref' or /Prev points at neither 'xref' nor a cross-reference stream")
        }
        let data = try PDFFilters.decode(stream, location: "the cross-reference stream (object \(reference))")
        return (try streamEntries(stream.dictionary, data, location: "object \(reference) at byte \(offset)"), stream.dictionary)
    }

    /// A classic `xref` table (after the keyword) and its `trailer` dictionary.
    static func table(_ lexer: inout PDFLexer) throws(PDFError) -> ([Int: PDFXRefEntry], PDFDictionary) {
        var entries: [Int: PDFXRefEntry] = [:]
        while true {
            let at = lexer.position
            switch try lexer.next() {
            case .int(let first):
                guard case .int(let count) = try lexer.next(), first >= 0, count >= 0, count <= maxEntries else {
                    throw .malformed(location: "byte \(at)", reason: "a cross-reference subsection header is not 'first count'")
                }
                for i in 0..<count {
                    let entryAt = lexer.position
                    guard case .int(let offset) = try lexer.next(), case .int(let generation) = try lexer.next(),
                          case .keyword(let kind) = try lexer.next() else {
                        throw .malformed(location: "byte \(entryAt)", reason: "a cross-reference entry is not 'offset generation n|f'")
                    }
                    let number = first + i
                    if entries[number] != nil { continue }
                    entries[number] = kind == PDFKeyword("n") && offset > 0 ? .offset(offset, generation: generation) : .free
                }
            case .keyword(.trailer):
                var parser = PDFObjectParser(bytes: lexer.bytes, position: lexer.position)
                guard case .dictionary(let trailer) = try parser.parseObject() else {
                    throw .malformed(location: "byte \(lexer.position)", reason: "the trailer is not a dictionary")
                }
                return (entries, trailer)
            default:
                throw .malformed(location: "byte \(at)", reason: "the cross-reference table has no 'trailer'")
            }
        }
    }

    /// The entries of a decoded cross-reference stream (`/W`, `/Index`).
    public static func streamEntries(_ dictionary: PDFDictionary, _ data: [UInt8], location: String) throws(PDFError) -> [Int: PDFXRefEntry] {
        let widths = dictionary["W"]?.array?.compactMap(\.int) ?? []
        guard widths.count == 3, widths.allSatisfy({ $0 >= 0 && $0 <= 8 }), widths.reduce(0, +) > 0 else {
            throw .malformed(location: location, reason: "the cross-reference stream's /W is not three field widths")
        }
        let size = dictionary.int("Size") ?? 0
        var index = dictionary["Index"]?.array?.compactMap(\.int) ?? [0, size]
        if index.count % 2 != 0 { index.removeLast() }
        let rowBytes = widths.reduce(0, +)
        var entries: [Int: PDFXRefEntry] = [:]
        var row = 0
        for pair in stride(from: 0, to: index.count, by: 2) {
            let (first, count) = (index[pair], index[pair + 1])
            guard first >= 0, count >= 0, count <= maxEntries else {
                throw .malformed(location: location, reason: "the cross-reference stream's /Index is out of range")
            }
            for i in 0..<count {
                guard (row + 1) * rowBytes <= data.count else { return entries }
                var fields = [0, 0, 0]
                var at = row * rowBytes
                for f in 0..<3 {
                    for _ in 0..<widths[f] { fields[f] = fields[f] << 8 | Int(data[at]); at += 1 }
                }
                if widths[0] == 0 { fields[0] = 1 }  // the type defaults to 1
                row += 1
                let number = first + i
                guard entries[number] == nil else { continue }
                switch fields[0] {
                case 1: entries[number] = .offset(fields[1], generation: fields[2])
                case 2: entries[number] = .compressed(stream: fields[1], index: fields[2])
                default: entries[number] = .free
                }
            }
        }
        return entries
    }

    /// Rebuilds the table by scanning for `N G obj` (a later definition wins, as in an
    /// incremental update) and takes the last trailer that names a catalog.
    public static func reconstruct(_ bytes: UnsafeBufferPointer<UInt8>) -> PDFCrossReference {
        var result = PDFCrossReference()
        result.reconstructed = true
        var at = 0
        while let found = PDFObjectParser.find("obj", in: bytes, from: at) {
            at = found + 3
            if at < bytes.count && PDFCharacter.isRegular(bytes[at]) { continue }  // "objstm" and the like
            if let (number, generation, start) = header(before: found, in: bytes) {
                result.entries[number] = .offset(start, generation: generation)
            }
        }
        var trailerAt = 0
        while let found = PDFObjectParser.find("trailer", in: bytes, from: trailerAt) {
            trailerAt = found + 7
            var parser = PDFObjectParser(bytes: bytes, position: trailerAt)
            if case .dictionary(let d)? = try? parser.parseObject(), d["Root"] != nil { result.trailer = d }
        }
        return result
    }

    /// `N G ` right before an `obj` at `objAt`: the object number, generation and start.
    static func header(before objAt: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        var i = objAt - 1
        func skipSpace() -> Bool {
            let end = i
            while i >= 0 && PDFCharacter.isWhitespace(bytes[i]) { i -= 1 }
            return i < end
        }
        func digits() -> Int? {
            var value = 0, scale = 1, n = 0
            while i >= 0, bytes[i] >= 0x30 && bytes[i] <= 0x39, n < 10 {
                value += Int(bytes[i] - 0x30) * scale
                scale *= 10
                n += 1
                i -= 1
            }
            return n > 0 ? value : nil
        }
        guard skipSpace(), let generation = digits(), skipSpace(), let number = digits() else { return nil }
        guard i < 0 || !PDFCharacter.isRegular(bytes[i]) else { return nil }
        return (number, generation, i + 1)
    }
}
