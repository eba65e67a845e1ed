import CLibXML2

/// The internal general entities a document's DTD declares (`<!ENTITY company "Acme">`),
/// expanded by pyforge itself under a bound; libxml2 never expands or loads an entity.
///
/// Why this design (Debian 12 ships libxml2 2.9.14):
/// - XML_PARSE_NOENT would make libxml2 substitute entities, and with it load external
///   ones (XXE); it is never set.
/// - libxml2 2.9's own amplification guard (`xmlParserEntityCheck`: a ratio on entities
///   over 1000 bytes, a nesting depth of 40) is a heuristic that has been bypassed before;
///   `xmlCtxtSetMaxAmplification` only exists from 2.11. Nothing here relies on them.
/// - The SAX `entityDecl` callback records internal general entities here and refuses the
///   others (external and parameter entities are never loaded). libxml2 asks the SAX
///   `getEntity` callback for every reference, and it answers from this table: in text,
///   with an entity of the predefined kind whose content is the finished expansion, which
///   libxml2 passes to `characters` as it is (no nested parse, so no libxml2 expansion);
///   in an attribute value, with an internal entity marked as already checked, which
///   libxml2 leaves as `&name;` for the record builder to replace with
///   `attributeExpansion(_:)`.
/// - Entities hold text only: a replacement text with markup (`<`) is refused.
/// - Bounds, all checked before anything is expanded: references nest at most
///   `maxDepth` deep; an entity's expanded size is computed from the declarations
///   (saturating, memoized), and every reference charges its expanded size to a document
///   total that may not exceed max(1 MiB, 10 × the document bytes read so far). Billion
///   laughs fails on its first reference, a quadratic blowup (one large entity referenced
///   many times) after a few. Each referenced entity is expanded once and kept (twice:
///   as written and attribute-normalized); the kept texts total at most `maxKeptBytes`,
///   which bounds memory and keeps every expansion within libxml2's `int` lengths.
final class XMLInternalEntities {
    static let maxDepth = 16
    static let minimumBudget = 1 << 20
    static let amplification = 10
    static let maxKeptBytes = 32 << 20

    /// Why a reference or declaration is refused; the parser turns it into a sentence.
    enum Refusal: Error, Equatable {
        case external(String)
        case parameter(String)
        case markup(String)
        case undeclared(String, inside: String)
        case loop(String)
        case tooDeep(String)
        case tooLarge(String, bytes: Int, limit: Int)
        /// The distinct expansions kept would exceed `maxKeptBytes`.
        case tooMuchKept(String, bytes: Int)
    }

    private struct Declared {
        var replacement: [UInt8]
        /// Expanded size and nesting height (1: no references inside), once computed.
        var size: Int?
        var height = 0
        var expansion: Expansion?
    }

    /// One entity's finished expansion, with the two entity records handed to libxml2.
    private final class Expansion {
        let text: UnsafeMutablePointer<UInt8>
        let count: Int
        let attributeText: [UInt8]
        let forText: UnsafeMutablePointer<xmlEntity>
        let forAttribute: UnsafeMutablePointer<xmlEntity>
        private let name: UnsafeMutablePointer<UInt8>

        init(name: String, bytes: [UInt8]) {
            count = bytes.count
            text = .allocate(capacity: bytes.count + 1)
            text.initialize(from: bytes, count: bytes.count)
            text[bytes.count] = 0
            // Attribute-value normalization applies to replacement text too (XML 1.0 §3.3.3).
            attributeText = bytes.map { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            let nameBytes = Array(name.utf8)
            self.name = .allocate(capacity: nameBytes.count + 1)
            self.name.initialize(from: nameBytes, count: nameBytes.count)
            self.name[nameBytes.count] = 0
            forText = Self.record(self.name, text, count, XML_INTERNAL_PREDEFINED_ENTITY)
            forAttribute = Self.record(self.name, text, count, XML_INTERNAL_GENERAL_ENTITY)
            // Nonzero and even: "checked, no '<'", so libxml2 neither re-expands it to check
            // nor refuses it, and writes the reference back as `&name;`.
            forAttribute.pointee.checked = 2
        }

        private static func record(
            _ name: UnsafeMutablePointer<UInt8>, _ content: UnsafeMutablePointer<UInt8>, _ count: Int, _ kind: xmlEntityType
        ) -> UnsafeMutablePointer<xmlEntity> {
            let entity = UnsafeMutablePointer<xmlEntity>.allocate(capacity: 1)
            entity.initialize(to: xmlEntity())
            entity.pointee.type = XML_ENTITY_DECL
            entity.pointee.name = UnsafePointer(name)
            entity.pointee.content = content
            entity.pointee.length = Int32(clamping: count)
            entity.pointee.etype = kind
            // Non-NULL so that libxml2 keeps its own copy of a declaration's raw value: after
            // an <!ENTITY> (a redeclaration included) xmlParseEntityDecl asks getEntity for the
            // name and, when the answer's `orig` is NULL, hands its malloc'd raw value to that
            // record (libxml2 2.9.14 parser.c, "Ugly mechanism to save the raw entity value"),
            // which nobody would free: a leak found by scripts/fuzz. libxml2 reads `orig` only
            // to serialize a DTD, which pyforge never does.
            entity.pointee.orig = content
            return entity
        }

        deinit {
            forText.deallocate()
            forAttribute.deallocate()
            text.deallocate()
            name.deallocate()
        }
    }

    private var declared: [String: Declared] = [:]
    /// Bytes of expansion charged so far by references.
    private(set) var charged = 0
    /// Bytes of the expansions kept (each referenced entity's, once).
    private(set) var kept = 0

    /// Records an internal general entity; the first declaration of a name wins (XML 1.0 §4.2).
    func declare(_ name: String, replacement: [UInt8]) {
        if declared[name] == nil { declared[name] = Declared(replacement: replacement) }
    }

    /// The libxml2 entity record for a reference to `name`, charged to the budget.
    /// `documentBytes` is how much of the document has been read (the budget grows with it).
    func reference(_ name: String, inAttribute: Bool, documentBytes: Int) throws(Refusal) -> UnsafeMutablePointer<xmlEntity>? {
        guard declared[name] != nil else { return nil }
        var chain: [String] = []
        let size = try expandedSize(name, chain: &chain)
        let limit = Self.budget(documentBytes)
        let (total, overflow) = charged.addingReportingOverflow(size)
        if overflow || total > limit {
            throw .tooLarge(name, bytes: overflow ? Int.max : total, limit: limit)
        }
        if declared[name]!.expansion == nil {
            let (held, overflow) = kept.addingReportingOverflow(size)
            if overflow || held > Self.maxKeptBytes { throw .tooMuchKept(name, bytes: overflow ? Int.max : held) }
            kept = held
        }
        charged = total
        let expansion = try expansion(of: name)
        return inAttribute ? expansion.forAttribute : expansion.forText
    }

    /// The text an attribute's `&name;` stands for (already charged by `reference`).
    func attributeExpansion(_ name: String) -> [UInt8]? {
        declared[name]?.expansion?.attributeText
    }

    static func budget(_ documentBytes: Int) -> Int {
        let (scaled, overflow) = documentBytes.multipliedReportingOverflow(by: amplification)
        return overflow ? Int.max : Swift.max(minimumBudget, scaled)
    }

    // MARK: Replacement text

    /// A piece of replacement text: literal bytes, a character reference, or an entity reference.
    private enum Piece {
        case bytes(ArraySlice<UInt8>)
        case scalar([UInt8])
        case entity(String)
    }

    /// Splits `name`'s replacement text. libxml2 has already decoded character references
    /// written in the declaration and checked the syntax of entity references.
    private func pieces(of name: String) throws(Refusal) -> [Piece] {
        let text = declared[name]!.replacement
        var result: [Piece] = []
        var run = 0, i = 0
        while i < text.count {
            if text[i] == 0x3C { throw .markup(name) }
            guard text[i] == 0x26, let semicolon = text[i...].firstIndex(of: 0x3B) else {
                i += 1
                continue
            }
            if run < i { result.append(.bytes(text[run..<i])) }
            let reference = String(decoding: text[(i + 1)..<semicolon], as: UTF8.self)
            if let scalar = Self.scalar(reference) {
                result.append(.scalar(Array(String(Character(scalar)).utf8)))
            } else if let predefined = Self.predefined[reference] {
                result.append(.scalar([predefined]))
            } else if declared[reference] != nil {
                result.append(.entity(reference))
            } else {
                throw .undeclared(reference, inside: name)
            }
            i = semicolon + 1
            run = i
        }
        if run < text.count { result.append(.bytes(text[run...])) }
        return result
    }

    private static let predefined: [String: UInt8] = ["lt": 0x3C, "gt": 0x3E, "amp": 0x26, "apos": 0x27, "quot": 0x22]

    /// `#65` or `#x41` as a Unicode scalar.
    private static func scalar(_ reference: String) -> Unicode.Scalar? {
        guard reference.hasPrefix("#") else { return nil }
        let value = reference.hasPrefix("#x") ? UInt32(reference.dropFirst(2), radix: 16) : UInt32(reference.dropFirst(), radix: 10)
        return value.flatMap(Unicode.Scalar.init)
    }

    /// The size of `name`'s full expansion, saturating at Int.max; refuses loops and nesting
    /// deeper than `maxDepth` (`chain` holds the entities being computed, outermost first,
    /// and bounds the recursion; a memoized entity's height bounds the rest).
    private func expandedSize(_ name: String, chain: inout [String]) throws(Refusal) -> Int {
        if let size = declared[name]!.size {
            if chain.count + declared[name]!.height > Self.maxDepth { throw .tooDeep(chain.first ?? name) }
            return size
        }
        if chain.contains(name) { throw .loop(name) }
        if chain.count >= Self.maxDepth { throw .tooDeep(chain[0]) }
        chain.append(name)
        defer { chain.removeLast() }
        var size = 0, height = 1
        for piece in try pieces(of: name) {
            let n: Int
            switch piece {
            case .bytes(let bytes): n = bytes.count
            case .scalar(let bytes): n = bytes.count
            case .entity(let inner):
                n = try expandedSize(inner, chain: &chain)
                height = Swift.max(height, declared[inner]!.height + 1)
            }
            let (sum, overflow) = size.addingReportingOverflow(n)
            size = overflow ? Int.max : sum
        }
        declared[name]!.size = size
        declared[name]!.height = height
        return size
    }

    /// Expands `name` once (its size is known to be within the budget) and keeps the result.
    private func expansion(of name: String) throws(Refusal) -> Expansion {
        if let done = declared[name]!.expansion { return done }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(declared[name]!.size ?? 0)
        try append(name, to: &bytes)
        let expansion = Expansion(name: name, bytes: bytes)
        declared[name]!.expansion = expansion
        return expansion
    }

    private func append(_ name: String, to bytes: inout [UInt8]) throws(Refusal) {
        for piece in try pieces(of: name) {
            switch piece {
            case .bytes(let run): bytes.append(contentsOf: run)
            case .scalar(let scalar): bytes.append(contentsOf: scalar)
            case .entity(let inner):
                if let done = declared[inner]!.expansion {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: done.text, count: done.count))
                } else {
                    try append(inner, to: &bytes)
                }
            }
        }
    }
}
