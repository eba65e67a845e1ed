import FormatKit
/// Finds the default record element from the start of the document: the shallowest
/// element name that repeats under one parent (the root's children first, so that
/// `<orders><order>…` gives `orders/order` and `<root><data><row>…` gives `root/data/row`).
final class XMLRecordDetector: XMLEventSink {
    private struct Frame {
        var path: [String]
        var childCounts: [String: Int] = [:]
    }
    private var frames: [Frame] = []
    private var firstChild: [String]?
    /// The shallowest repeated path found so far.
    private(set) var repeated: [String]?
    weak var parser: XMLPushParser?

    /// The record path: the shallowest repeating element, else the root's first child;
    /// nil when the root has no children.
    var recordPath: [String]? { repeated ?? firstChild }

    func startElement(
        local: UnsafePointer<UInt8>, prefix: UnsafePointer<UInt8>?, uri: UnsafePointer<UInt8>?,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    ) {
        let name = String(cString: local)
        guard let parent = frames.indices.last else {
            frames.append(Frame(path: [name]))
            return
        }
        let path = frames[parent].path + [name]
        if firstChild == nil { firstChild = path }
        frames[parent].childCounts[name, default: 0] += 1
        if frames[parent].childCounts[name] == 2 && (repeated == nil || path.count < repeated!.count) {
            repeated = path
            // Nothing is shallower than the root's children.
            if path.count == 2 { parser?.stop() }
        }
        frames.append(Frame(path: path))
    }

    func endElement() {
        frames.removeLast()
        if frames.isEmpty { parser?.stop() }
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {}

    /// Reads up to `limit` bytes of `path` to decide.
    static func detect(path: String, limit: Int = 8 << 20) throws(ConversionError) -> [String]? {
        let input = try InputCompression.open(path)
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
