import FormatKit
/// An open PDF: its cross-reference, trailer and objects, loaded on demand and cached.
/// Not shared between threads: one conversion or inspection owns it.
public final class PDFDocument {
    public let path: String
    let file: PDFFileBytes
    /// `1.7` from the `%PDF-1.7` header (a newer catalog `/Version` wins).
    public private(set) var version: String
    private(set) var xref: PDFCrossReference
    var cache: [Int: PDFObject] = [:]
    var objectStreams: [Int: [Int: PDFObject]] = [:]
    private var loading = Set<Int>()
    /// Bytes decoded from streams so far (all streams of a document together are capped).
    private var decodedBytes = 0
    public internal(set) var warnings: [String] = []
    /// nil for a document in the clear.
    public internal(set) var encryption: PDFEncryption?
    /// Set once a password (or none) opened an encrypted document.
    var decryptor: PDFDecryptor?
    /// The `/Encrypt` dictionary's object, whose strings are never encrypted.
    var encryptReference: PDFReference?

    /// Most bytes all streams of one document may decode to.
    public static let maxDocumentDecodedBytes = 2 << 30
    /// Most references followed in a row (`1 0 R` → `2 0 R` → …).
    static let maxReferenceChain = 32

    var bytes: UnsafeBufferPointer<UInt8> { file.buffer }

    /// Opens `path`; an encrypted document is opened with the empty user password, or with
    /// `password` as its user or owner password (see `encryption`).
    public init(path: String, password: String? = nil) throws(ConversionError) {
        self.path = path
        file = try PDFFileBytes(path: path)
        let bytes = file.buffer
        do throws(PDFError) {
            guard bytes.count > 0 else { throw .empty }
            guard let header = PDFObjectParser.find("%PDF-", in: bytes, from: 0, to: 1024) else { throw .notPDF }
            var v = header + 5
            var text = ""
            while v < bytes.count, text.count < 4, bytes[v] == UInt8(ascii: ".") || (bytes[v] >= 0x30 && bytes[v] <= 0x39) {
                text.append(Character(Unicode.Scalar(bytes[v])))
                v += 1
            }
            version = text.isEmpty ? "unknown" : text
            do {
                xref = try PDFCrossReferenceReader.read(bytes)
            } catch {
                // A file cut short loses its table and its end marker: refuse it rather than
                // extract part of it silently. Otherwise rebuild the table as viewers do.
                if PDFObjectParser.find("%%EOF", in: bytes, from: max(0, bytes.count - 1024)) == nil {
                    throw .truncated(size: bytes.count)
                }
                xref = PDFCrossReferenceReader.reconstruct(bytes)
                warnings.append("The cross-reference table is damaged (\(error.description.dropLast())); objects were located by scanning the file.")
                try completeReconstruction()
            }
            try openEncryption(password: password)
        } catch {
            throw error.conversionError(path: path)
        }
        if let catalogVersion = (try? catalog())?.name("Version"), catalogVersion > version { version = catalogVersion }
    }

    public var trailer: PDFDictionary { xref.trailer }

    /// Throws why an encrypted document could not be opened (no password, a wrong one, or
    /// a security handler pyforge does not implement).
    public func requireReadable() throws(PDFError) {
        if let refusal = encryption?.refusal { throw refusal }
    }

    /// The object a value stands for: references followed (a missing object is null).
    public func resolve(_ object: PDFObject) throws(PDFError) -> PDFObject {
        var current = object
        var hops = 0
        while case .reference(let reference) = current {
            hops += 1
            guard hops <= Self.maxReferenceChain else {
                throw .limit(location: "object \(reference)", reason: "references chain more than \(Self.maxReferenceChain) times")
            }
            current = try self.object(reference)
        }
        return current
    }

    /// A value resolved, or null when it cannot be loaded (for optional entries).
    func resolved(_ object: PDFObject?) -> PDFObject {
        guard let object else { return .null }
        return (try? resolve(object)) ?? .null
    }

    public func object(_ reference: PDFReference) throws(PDFError) -> PDFObject {
        if let cached = cache[reference.number] { return cached }
        guard loading.insert(reference.number).inserted else {
            throw .malformed(location: "object \(reference)", reason: "it refers to itself while it is being read")
        }
        defer { loading.remove(reference.number) }
        let object = try load(reference)
        cache[reference.number] = object
        return object
    }

    private func load(_ reference: PDFReference) throws(PDFError) -> PDFObject {
        switch xref.entries[reference.number] {
        case .offset(let offset, _)?:
            do throws(PDFError) {
                let (found, object) = try parse(at: offset, expecting: reference.number)
                guard let decryptor, found != encryptReference else { return object }
                return decryptor.decrypt(object, found)
            } catch {
                guard !xref.reconstructed, case .malformed(_, let reason) = error, reason.hasPrefix("no 'N G obj'") else { throw error }
                // The table's offset is wrong: rebuild it by scanning, once, and retry.
                let rebuilt = PDFCrossReferenceReader.reconstruct(bytes)
                xref.entries.merge(rebuilt.entries) { _, scanned in scanned }
                xref.reconstructed = true
                warnings.append("Cross-reference offsets are wrong (object \(reference)); objects were located by scanning the file.")
                try completeReconstruction()
                return try load(reference)
            }
        case .compressed(let stream, let index)?:
            return try compressedObject(reference.number, stream: stream, index: index)
        case .free?, nil:
            return .null
        }
    }

    /// The object at `offset` and the number and generation its header gives (which
    /// per-object decryption keys are made of).
    private func parse(at offset: Int, expecting number: Int) throws(PDFError) -> (PDFReference, PDFObject) {
        guard offset >= 0, offset < bytes.count else {
            throw .malformed(location: "object \(number)", reason: "no 'N G obj' header: its offset \(offset) lies outside the file")
        }
        var parser = PDFObjectParser(bytes: bytes, position: offset)
        let (found, object): (PDFReference, PDFObject)
        do throws(PDFError) {
            (found, object) = try parser.parseIndirectObject(length: { [unowned self] in
                if case .reference = $0 { return (try? self.resolve($0))?.int }
                return $0.int
            })
        } catch {
            if case .malformed(_, let reason) = error, reason.hasPrefix("no 'N G obj'") { throw error }
            throw Self.locate(error, "object \(number) at byte \(offset)")
        }
        guard found.number == number else {
            throw .malformed(location: "byte \(offset)", reason: "no 'N G obj' header for object \(number) (object \(found) stands there)")
        }
        return (found, object)
    }

    /// An error re-worded to name the object it happened in.
    static func locate(_ error: PDFError, _ location: String) -> PDFError {
        switch error {
        case .malformed(let inner, let reason): return .malformed(location: "\(location) (\(inner))", reason: reason)
        case .limit(let inner, let reason): return .limit(location: "\(location) (\(inner))", reason: reason)
        default: return error
        }
    }

    /// An object inside an object stream (§7.5.7).
    private func compressedObject(_ number: Int, stream: Int, index: Int) throws(PDFError) -> PDFObject {
        if let objects = objectStreams[stream] { return objects[number] ?? .null }
        guard case .stream(let container) = try object(PDFReference(stream, 0)) else {
            throw .malformed(location: "object stream \(stream)", reason: "object \(number) is said to be inside it, but it is not a stream")
        }
        let objects = try objectStreamContents(container, number: stream)
        objectStreams[stream] = objects
        return objects[number] ?? .null
    }

    func objectStreamContents(_ container: PDFStream, number: Int) throws(PDFError) -> [Int: PDFObject] {
        let location = "object stream \(number)"
        let data = try decode(container, location: location)
        let count = container.dictionary.int("N") ?? 0
        let first = container.dictionary.int("First") ?? 0
        guard count >= 0, count <= data.count, first >= 0, first <= data.count else {
            throw .malformed(location: location, reason: "its /N or /First is out of range")
        }
        return try data.withUnsafeBufferPointer { buffer throws(PDFError) -> [Int: PDFObject] in
            var lexer = PDFLexer(bytes: buffer)
            var offsets: [(Int, Int)] = []
            for _ in 0..<count {
                guard case .int(let n) = try lexer.next(), case .int(let o) = try lexer.next() else { break }
                offsets.append((n, o))
            }
            var objects: [Int: PDFObject] = [:]
            for (n, o) in offsets where first + o < buffer.count && objects[n] == nil {
                var parser = PDFObjectParser(bytes: buffer, position: first + o)
                do throws(PDFError) {
                    objects[n] = try parser.parseObject()
                } catch {
                    throw Self.locate(error, "object \(n) in \(location)")
                }
            }
            return objects
        }
    }

    /// A stream's decoded data; all streams of the document together are capped.
    public func decode(_ stream: PDFStream, location: String) throws(PDFError) -> [UInt8] {
        let limit = min(PDFFilters.maxDecodedBytes, Self.maxDocumentDecodedBytes - decodedBytes)
        guard limit > 0 else {
            throw .limit(location: location, reason: "the document's streams decode to more than \(Self.maxDocumentDecodedBytes >> 30) GiB together")
        }
        // One decoded stream is held whole: within the memory budget's share for it.
        let share = MemoryBudget.current.bytes / 4
        let data: [UInt8]
        do throws(PDFError) {
            data = try PDFFilters.decode(stream, location: location, limit: min(limit, share), resolve: { [unowned self] in self.resolved($0) })
        } catch .limit(let location, let reason) where share < limit {
            throw .limit(location: location, reason: "\(reason), its share of the \(MemoryBudget.describe(MemoryBudget.current.bytes)) memory budget; pass a larger --max-memory (for example --max-memory \(MemoryBudget.describe(MemoryBudget.suggestion(above: MemoryBudget.current.bytes), compact: true)))")
        }
        decodedBytes += data.count
        return data
    }

    /// After a scan: objects inside object streams, and a trailer when none was found.
    func completeReconstruction() throws(PDFError) {
        let scanned = xref.entries
        for (number, entry) in scanned.sorted(by: { $0.key < $1.key }) {
            guard case .offset = entry, case .stream(let s)? = try? object(PDFReference(number, 0)) else { continue }
            if s.dictionary.name("Type") == "ObjStm", let objects = try? objectStreamContents(s, number: number) {
                for (inner, _) in objects where xref.entries[inner] == nil { xref.entries[inner] = .compressed(stream: number, index: 0) }
                objectStreams[number] = objects
            } else if s.dictionary.name("Type") == "XRef", xref.trailer["Root"] == nil {
                xref.trailer = s.dictionary
            }
        }
        if xref.trailer["Root"] == nil {
            for number in scanned.keys.sorted() {
                if case .dictionary(let d)? = try? object(PDFReference(number, 0)), d.name("Type") == "Catalog" {
                    xref.trailer["Root"] = .reference(PDFReference(number, 0))
                }
            }
        }
        guard xref.trailer["Root"] != nil else {
            throw .malformed(location: "the whole file", reason: "no document catalog was found, even by scanning every object")
        }
    }

    public func catalog() throws(PDFError) -> PDFDictionary {
        guard let catalog = try resolve(trailer["Root"] ?? .null).dictionary else {
            throw .malformed(location: "the trailer", reason: "its /Root is not a catalog dictionary")
        }
        return catalog
    }
}
