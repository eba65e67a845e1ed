/// Finds the default record element: the first child name of the root that repeats,
/// read from the start of the document only.
final class XMLRecordDetector: XMLEventSink {
    private var depth = 0
    private(set) var root: String?
    private var children: [String] = []
    private(set) var repeated: String?
    weak var parser: XMLPushParser?

    /// The record path: the first repeating child, else the first child; nil without children.
    var recordPath: [String]? {
        guard let root, let name = repeated ?? children.first else { return nil }
        return [root, name]
    }

    func startElement(
        local: UnsafePointer<UInt8>, prefix: UnsafePointer<UInt8>?, uri: UnsafePointer<UInt8>?,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    ) {
        depth += 1
        if depth == 1 {
            root = String(cString: local)
        } else if depth == 2 {
            let name = String(cString: local)
            if children.contains(name) {
                repeated = name
                parser?.stop()
            } else {
                children.append(name)
            }
        }
    }

    func endElement() {
        depth -= 1
        if depth == 0 { parser?.stop() }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {}

    /// Reads up to `limit` bytes of `path` to decide.
    static func detect(path: String, limit: Int = 16 << 20) throws(ConversionError) -> [String]? {
        let input = try XMLCompression.open(path)
        let detector = XMLRecordDetector()
        let parser = XMLPushParser(path: path, sink: detector)
        detector.parser = parser
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while !parser.isStopped && total < limit {
            let n = try input.read(into: buffer)
            try parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), isFinal: n == 0)
            total += n
            if n == 0 { break }
        }
        return detector.recordPath
    }
}
