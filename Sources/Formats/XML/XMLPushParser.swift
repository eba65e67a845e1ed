import CLibXML2
import FormatKit

/// Receives the parse events that matter for tables. Names are NUL-terminated UTF-8
/// interned by libxml2 (the same pointer for the same name within one parser).
protocol XMLEventSink: AnyObject {
    /// `attributes` holds 5 pointers per attribute: local name, prefix, URI, value start, value end.
    func startElement(
        local: UnsafePointer<UInt8>, prefix: UnsafePointer<UInt8>?, uri: UnsafePointer<UInt8>?,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?)
    func endElement()
    /// Text, CDATA included, already decoded; may arrive in several pieces.
    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int)
    /// The document's internal entities; attribute values keep their references as `&name;`.
    func useEntities(_ entities: XMLInternalEntities)
}

extension XMLEventSink {
    func useEntities(_ entities: XMLInternalEntities) {}
}

/// libxml2's SAX2 push parser, fed chunk by chunk; no document tree is ever built.
///
/// Safety: libxml2 never substitutes entities (no XML_PARSE_NOENT), external DTDs and
/// entities are never loaded (no XML_PARSE_DTDLOAD, XML_PARSE_NONET), and a document that
/// declares an external or parameter entity is refused as soon as the declaration is read,
/// before any reference to it can be resolved (XXE). Internal entities are expanded by
/// `XMLInternalEntities` under a bound (see there why, and why not by libxml2).
final class XMLPushParser {
    let path: String
    // The sink outlives the parser (its owner holds both); unsafe avoids a retain per event.
    private unowned(unsafe) let sink: XMLEventSink
    private var context: xmlParserCtxtPtr?
    /// Set by a callback that stopped the parse because the document is refused.
    private var refusal: ConversionError?
    /// Set when the sink asked to stop (it has seen enough); not an error.
    private var stoppedEarly = false
    /// Whether any element started (a file without one is not XML at all).
    private var sawElement = false
    private var bytesFed = 0
    /// Elements open now. libxml2's push parser keeps no depth limit of its own, and the
    /// readers' per-element state grows with the depth, so the parser keeps one.
    private var depth = 0
    let entities = XMLInternalEntities()
    /// The entity just declared: libxml2 looks it up right after its declaration (to keep
    /// its raw text), which is not a reference and must neither expand nor charge it.
    private var justDeclared: String?

    init(path: String, sink: XMLEventSink) {
        self.path = path
        self.sink = sink
        // libxml2 sets up its global state once per process; later calls return at once.
        xmlInitParser()
        sink.useEntities(entities)
    }

    deinit {
        guard let context else { return }
        // With SAX callbacks and a DTD, libxml2 keeps the declarations in a document of its
        // own ("SAX compatibility mode") that the parser context does not free.
        if let document = context.pointee.myDoc, let version = document.pointee.version,
            String(cString: version) == "SAX compatibility mode document" {
            xmlFreeDoc(document)
        }
        xmlFreeParserCtxt(context)
    }

    var isStopped: Bool { stoppedEarly }

    /// The line the parser has reached (1-based).
    var line: Int {
        guard let input = context?.pointee.input else { return 1 }
        return Int(input.pointee.line)
    }

    /// Parses `bytes`; `isFinal` ends the document (and reports anything left unclosed).
    func feed(_ bytes: UnsafeRawBufferPointer, isFinal: Bool) throws(ConversionError) {
        if stoppedEarly { return }
        var start = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        var count = bytes.count
        bytesFed += count
        if bytesFed == 0 && isFinal {
            throw .malformedInput(path: path, location: "byte 0", reason: "the file is empty", fix: "check that the file was written completely")
        }
        if context == nil {
            // The first bytes go to the constructor so it can detect the encoding.
            let head = Swift.min(count, 4)
            var handler = Self.makeHandler()
            context = xmlCreatePushParserCtxt(&handler, Unmanaged.passUnretained(self).toOpaque(), start, Int32(head), path)
            guard let context else {
                throw .unreadableInput(path: path, reason: "libxml2 could not create an XML parser (out of memory?)")
            }
            xmlCtxtUseOptions(
                context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
            start = start.map { $0 + head }
            count -= head
        }
        var offset = 0
        repeat {
            // xmlParseChunk takes an Int32 size.
            let n = Swift.min(count - offset, 1 << 28)
            let last = isFinal && offset + n == count
            let code = xmlParseChunk(context, start.map { $0 + offset }, Int32(n), last ? 1 : 0)
            if stoppedEarly && refusal == nil { return }
            if code != 0 || refusal != nil { throw failure() }
            offset += n
        } while offset < count
    }

    /// Stops parsing from inside a callback: the sink has what it needs.
    func stop() {
        stoppedEarly = true
        if let context { xmlStopParser(context) }
    }

    private func refuse(_ error: ConversionError) {
        if refusal == nil { refusal = error }
        stoppedEarly = true
        if let context { xmlStopParser(context) }
    }

    private func tooDeep() -> ConversionError {
        .malformedInput(
            path: path, location: "line \(line)",
            reason: "elements are nested more than \(ResourceLimits.maxXMLDepth) deep, the most pyforge reads",
            fix: "check that the file is the XML it should be (real data is rarely nested more than a few dozen levels), or flatten it before converting")
    }

    private func entityRefusal(_ refusal: XMLInternalEntities.Refusal) -> ConversionError {
        .malformedInput(path: path, location: "line \(line)", reason: refusal.reason, fix: refusal.fix)
    }

    private func failure() -> ConversionError {
        if let refusal { return refusal }
        var line = self.line, column = 0
        var message = "the document is not well-formed"
        if let context, let error = xmlCtxtGetLastError(context) {
            line = Int(error.pointee.line)
            column = Int(error.pointee.int2)
            if let text = error.pointee.message {
                var decoded = String(cString: text)
                while decoded.last?.isWhitespace == true { decoded.removeLast() }
                if let first = decoded.first { decoded = first.lowercased() + decoded.dropFirst() }
                message = decoded
            }
        }
        let location = column > 0 ? "line \(line), column \(column)" : "line \(line)"
        if !sawElement {
            return .malformedInput(
                path: path, location: location, reason: "no XML element was found (\(message)), so the file does not look like XML",
                fix: "check that the file really is XML, or give it the extension of its real format")
        }
        return .malformedInput(
            path: path, location: location, reason: "\(message) (it is not well-formed XML)",
            fix: "correct the XML there (xmllint --noout shows the same error), or check that the file really is XML")
    }

    // MARK: Callbacks

    fileprivate static func parser(_ context: UnsafeMutableRawPointer?) -> XMLPushParser {
        Unmanaged<XMLPushParser>.fromOpaque(context!).takeUnretainedValue()
    }

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        // The parser is alive while libxml2 calls back: borrow it without retaining.
        handler.startElementNs = { context, local, prefix, uri, _, _, count, _, attributes in
            Unmanaged<XMLPushParser>.fromOpaque(context!)._withUnsafeGuaranteedRef { parser in
                parser.sawElement = true
                parser.depth += 1
                guard parser.depth <= ResourceLimits.maxXMLDepth else {
                    parser.refuse(parser.tooDeep())
                    return
                }
                parser.sink.startElement(
                    local: local!, prefix: prefix, uri: uri, attributeCount: Int(count), attributes: attributes)
            }
        }
        handler.endElementNs = { context, _, _, _ in
            Unmanaged<XMLPushParser>.fromOpaque(context!)._withUnsafeGuaranteedRef { parser in
                parser.depth -= 1
                parser.sink.endElement()
            }
        }
        handler.characters = { context, bytes, count in
            Unmanaged<XMLPushParser>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.sink.characters(bytes!, Int(count)) }
        }
        // CDATA sections arrive through `characters` when cdataBlock is unset.
        handler.entityDecl = { context, name, type, _, _, content in
            let parser = XMLPushParser.parser(context)
            let entity = name.map { String(cString: $0) } ?? "?"
            switch xmlEntityType(UInt32(bitPattern: type)) {
            case XML_INTERNAL_GENERAL_ENTITY:
                let text = content.map { Array(UnsafeBufferPointer(start: $0, count: Int(xmlStrlen($0)))) } ?? []
                parser.entities.declare(entity, replacement: text)
                parser.justDeclared = entity
            case XML_INTERNAL_PARAMETER_ENTITY, XML_EXTERNAL_PARAMETER_ENTITY:
                parser.refuse(parser.entityRefusal(.parameter(entity)))
            default:
                parser.refuse(parser.entityRefusal(.external(entity)))
            }
        }
        // libxml2 asks for every entity reference; the answer comes from our own table.
        handler.getEntity = { context, name in
            let parser = XMLPushParser.parser(context)
            guard parser.refusal == nil, let name, let context = parser.context else { return nil }
            let entity = String(cString: name)
            defer { parser.justDeclared = nil }
            if entity == parser.justDeclared && context.pointee.inSubset != 0 { return nil }
            do throws(XMLInternalEntities.Refusal) {
                return try parser.entities.reference(
                    entity, inAttribute: context.pointee.instate == XML_PARSER_ATTRIBUTE_VALUE,
                    documentBytes: parser.bytesFed)
            } catch {
                parser.refuse(parser.entityRefusal(error))
                return nil
            }
        }
        // Parse errors are read from the context afterwards; nothing is printed.
        handler.serror = { _, _ in }
        return handler
    }
}
