import Platform
import CLibXML2
import FormatKit

/// Receives libxml2 SAX2 events. Subclasses override what they need; names are the
/// NUL-terminated local names (namespace prefixes dropped).
class ExcelXMLHandler {
    /// Set by a handler to stop the parse (a limit reached, or enough read).
    var stopRequested = false

    func start(_ name: UnsafePointer<UInt8>, _ attributes: ExcelXMLAttributes) {}
    func end(_ name: UnsafePointer<UInt8>) {}
    func text(_ bytes: UnsafePointer<UInt8>, _ count: Int) {}
}

/// The attributes of a start tag, as libxml2 hands them over (5 pointers each).
struct ExcelXMLAttributes {
    let count: Int
    let pointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    /// The value of the attribute with local name `name`, as bytes (no copy).
    @inline(__always)
    func value(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let pointers else { return nil }
        for i in 0..<count {
            let local = pointers[5 * i]!
            if ExcelXMLName.equals(local, name) {
                let start = pointers[5 * i + 3]!, end = pointers[5 * i + 4]!
                return UnsafeBufferPointer(start: start, count: end - start)
            }
        }
        return nil
    }

    /// The value as text. Without entity substitution (kept off for safety) libxml2
    /// hands over `&amp;` in attributes as `&#38;`, so references are decoded here.
    func string(_ name: StaticString) -> String? {
        guard let bytes = value(name) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains("&") ? ExcelXMLName.decodeReferences(text) : text
    }
}

enum ExcelXMLName {
    static func decodeReferences(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                result += rest[amp...]
                return result
            }
            let name = rest[rest.index(after: amp)..<semi]
            var scalar: Unicode.Scalar?
            switch name {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar { result.unicodeScalars.append(scalar) } else { result += rest[amp...semi] }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }

    @inline(__always)
    static func equals(_ p: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
        strcmp(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }
}

/// Feeds a ZIP entry's inflated bytes through libxml2's SAX2 push parser, one chunk per
/// `step()`: the document is never held whole, whatever its size. Entity loading and
/// network access stay off.
final class ExcelXMLParser {
    static let chunkSize = 256 << 10
    private let reader: EntryByteSource
    private let path: String
    private let handler: ExcelXMLHandler
    private var sax = xmlSAXHandler()
    private let parser: xmlParserCtxtPtr
    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var done = false

    init(_ reader: EntryByteSource, path: String, handler: ExcelXMLHandler) throws(ConversionError) {
        xmlInitParser()  // once per process is enough; libxml2 makes repeats cheap
        self.reader = reader
        self.path = path
        self.handler = handler
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { context, localname, _, _, _, _, attributeCount, _, attributes in
            // The parser keeps the handler alive; no retain/release per event.
            Unmanaged<ExcelXMLHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef {
                $0.start(localname!, ExcelXMLAttributes(count: Int(attributeCount), pointers: attributes))
            }
        }
        sax.endElementNs = { context, localname, _, _ in
            Unmanaged<ExcelXMLHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.end(localname!) }
        }
        sax.characters = { context, bytes, count in
            Unmanaged<ExcelXMLHandler>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.text(bytes!, Int(count)) }
        }
        // Errors are read from the context instead of printed by libxml2.
        sax.serror = { _, _ in }
        let context = Unmanaged.passUnretained(handler).toOpaque()
        guard let parser = xmlCreatePushParserCtxt(&sax, context, nil, 0, nil) else {
            throw .unreadableInput(path: path, reason: "libxml2 could not create a parser")
        }
        self.parser = parser
        xmlCtxtUseOptions(parser, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue))
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        xmlFreeParserCtxt(parser)
        buffer.deallocate()
    }

    /// Parses the next chunk; false once the document has ended (or the handler stopped it).
    func step() throws(ConversionError) -> Bool {
        if done { return false }
        let n = try reader.read(into: buffer)
        let status = buffer.withMemoryRebound(to: CChar.self) { chars in
            xmlParseChunk(parser, chars.baseAddress, Int32(n), n == 0 ? 1 : 0)
        }
        if handler.stopRequested {
            done = true
            return false
        }
        if status != 0 {
            done = true
            let error = xmlCtxtGetLastError(parser)
            var message = error?.pointee.message.map { String(cString: $0) } ?? "XML error \(status)"
            while message.last?.isWhitespace == true { message.removeLast() }
            let line = error?.pointee.line ?? 0
            throw .malformedInput(path: path, location: "'\(reader.entry.name)' line \(line)", reason: "its XML is not well-formed (\(message))",
                                  fix: "save the workbook again from Excel")
        }
        if n == 0 { done = true }
        return !done
    }

    /// Parses a whole (small) part.
    static func parse(_ reader: ZipEntryReader, path: String, handler: ExcelXMLHandler) throws(ConversionError) {
        let parser = try ExcelXMLParser(reader, path: path, handler: handler)
        while try parser.step() {}
    }
}
