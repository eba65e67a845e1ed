import Platform

/// Parses objects (§7.3) and indirect objects with their streams (§7.3.8, §7.3.10) from tokens.
public struct PDFObjectParser {
    /// Deepest nesting of arrays and dictionaries accepted (hostile files nest without end).
    public static let maxDepth = 64

    public var lexer: PDFLexer

    public init(bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        lexer = PDFLexer(bytes: bytes, position: position)
    }

    public mutating func parseObject() throws(PDFError) -> PDFObject {
        try parseObject(startingWith: try lexer.next(), depth: 0)
    }

    mutating func parseObject(startingWith token: PDFToken, depth: Int) throws(PDFError) -> PDFObject {
        guard depth < Self.maxDepth else {
            throw .limit(location: "byte \(lexer.position)", reason: "arrays and dictionaries nest more than \(Self.maxDepth) levels deep")
        }
        switch token {
        case .int(let number):
            let saved = lexer.position
            if case .int(let generation) = try? lexer.next(), case .keyword(.r) = try? lexer.next() {
                return .reference(PDFReference(number, generation))
            }
            lexer.position = saved
            return .int(number)
        case .real(let v): return .real(v)
        case .name(let v): return .name(v)
        case .string(let v): return .string(v)
        case .arrayOpen:
            var items: [PDFObject] = []
            while true {
                let t = try lexer.next()
                if t == .arrayClose { break }
                if t == .eof { throw .malformed(location: "byte \(lexer.position)", reason: "an array is never closed") }
                items.append(try parseObject(startingWith: t, depth: depth + 1))
            }
            return .array(items)
        case .dictionaryOpen:
            return .dictionary(try dictionaryBody(depth: depth))
        case .keyword(let k):
            if k == .trueValue { return .bool(true) }
            if k == .falseValue { return .bool(false) }
            if k == .null { return .null }
            throw .malformed(location: "byte \(lexer.position - k.length)", reason: "'\(k)' stands where an object was expected")
        case .eof:
            throw .malformed(location: "byte \(lexer.position)", reason: "the data ends where an object was expected")
        case .arrayClose, .dictionaryClose:
            throw .malformed(location: "byte \(lexer.position - 1)", reason: "a closing bracket stands where an object was expected")
        }
    }

    /// The entries after `<<`, through `>>`.
    mutating func dictionaryBody(depth: Int) throws(PDFError) -> PDFDictionary {
        var dictionary = PDFDictionary()
        while true {
            let t = try lexer.next()
            switch t {
            case .dictionaryClose: return dictionary
            case .name(let key):
                let valueToken = try lexer.next()
                // A key without a value (`/A >>`) is tolerated as null, as viewers do.
                if valueToken == .dictionaryClose { return dictionary }
                let value = try parseObject(startingWith: valueToken, depth: depth + 1)
                if value != .null { dictionary[key] = value }
            case .eof:
                throw .malformed(location: "byte \(lexer.position)", reason: "a dictionary is never closed")
            default:
                throw .malformed(location: "byte \(lexer.position)", reason: "a dictionary key is not a name")
            }
        }
    }

    /// `N G obj … endobj` at the lexer's position. `length` resolves an indirect `/Length`.
    public mutating func parseIndirectObject(
        length: (PDFObject) -> Int? = { $0.int }
    ) throws(PDFError) -> (PDFReference, PDFObject) {
        let start = lexer.position
        guard case .int(let number) = try lexer.next(), case .int(let generation) = try lexer.next(),
              case .keyword(.obj) = try lexer.next() else {
            throw .malformed(location: "byte \(start)", reason: "no 'N G obj' header stands here")
        }
        let reference = PDFReference(number, generation)
        let first = try lexer.next()
        // `1 0 obj endobj` is an empty (null) object.
        if case .keyword(.endobj) = first { return (reference, .null) }
        let object = try parseObject(startingWith: first, depth: 0)
        guard case .dictionary(let dictionary) = object else { return (reference, object) }
        let saved = lexer.position
        guard case .keyword(.stream) = try? lexer.next() else {
            lexer.position = saved
            return (reference, object)
        }
        let data = try streamData(declared: dictionary["Length"].flatMap(length), object: reference, headerAt: start)
        return (reference, .stream(PDFStream(dictionary: dictionary, data: data.bytes, offset: data.start)))
    }

    /// The bytes after the `stream` keyword: `/Length` of them when `endstream` follows,
    /// else everything up to the next `endstream`.
    mutating func streamData(declared: Int?, object: PDFReference, headerAt: Int) throws(PDFError) -> (bytes: [UInt8], start: Int) {
        let bytes = lexer.bytes
        var start = lexer.position
        if start < bytes.count && bytes[start] == 0x0D { start += 1 }
        if start < bytes.count && bytes[start] == 0x0A { start += 1 }
        if let declared, declared >= 0, declared <= bytes.count - start {
            var after = PDFLexer(bytes: bytes, position: start + declared)
            if case .keyword(.endstream) = try? after.next() {
                lexer.position = after.position
                return (Array(bytes[start..<(start + declared)]), start)
            }
        }
        guard let found = Self.find("endstream", in: bytes, from: start) else {
            throw .malformed(location: "object \(object) at byte \(headerAt)",
                             reason: "its stream has no 'endstream' (the file is truncated or damaged)")
        }
        var end = found
        if end > start && bytes[end - 1] == 0x0A { end -= 1 }
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        lexer.position = found + 9
        return (Array(bytes[start..<end]), start)
    }

    /// The offset of the first `pattern` at or after `from` (before `to`), with memmem.
    static func find(_ pattern: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int? = nil) -> Int? {
        let end = min(to ?? bytes.count, bytes.count)
        let count = pattern.utf8CodeUnitCount
        guard from >= 0, from + count <= end, let base = bytes.baseAddress else { return nil }
        let needle = pattern.utf8Start
        var at = from
        while at + count <= end {
            // memchr finds the first byte's candidates; memcmp checks the rest.
            guard let hit = memchr(base + at, Int32(needle[0]), end - count + 1 - at) else { return nil }
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + offset, needle, count) == 0 { return offset }
            at = offset + 1
        }
        return nil
    }

    /// The offset of the last `pattern` that starts at or after `from`.
    static func findLast(_ pattern: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var last: Int? = nil
        var at = max(from, 0)
        while let found = find(pattern, in: bytes, from: at) {
            last = found
            at = found + 1
        }
        return last
    }
}
