import ExtensionProtocol
import Testing

@Suite struct LineFramerTests {
    static let stream = Array("{\"a\":1}\n{\"b\":\"x\u{2028}y\"}\r\n\n{\"c\":3}\n".utf8)

    func lines(_ events: [LineFramer.Event]) -> [String] {
        events.compactMap { event in
            if case .line(let bytes) = event { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
    }

    @Test func splitsOnlyAtLineFeeds() {
        var framer = LineFramer()
        #expect(lines(framer.feed(Self.stream)) == ["{\"a\":1}", "{\"b\":\"x\u{2028}y\"}", "", "{\"c\":3}"])
        #expect(framer.unterminated == 0)
    }

    /// Any fragmentation of the stream gives the same lines.
    @Test(arguments: [1, 2, 3, 7, 64])
    func fragmentsGiveTheSameLines(size: Int) {
        var framer = LineFramer()
        var events: [LineFramer.Event] = []
        var start = 0
        while start < Self.stream.count {
            events += framer.feed(Self.stream[start..<min(start + size, Self.stream.count)])
            start += size
        }
        #expect(lines(events) == ["{\"a\":1}", "{\"b\":\"x\u{2028}y\"}", "", "{\"c\":3}"])
    }

    @Test func oversizedLineIsReportedAndSkipped() {
        var framer = LineFramer(limit: 8)
        let events = framer.feed(Array("0123456789abc\nok\n".utf8))
        #expect(events == [.tooLarge(bytes: 13), .line(Array("ok".utf8))])
    }

    @Test func anOversizedLineIsMeasuredAcrossChunks() {
        var framer = LineFramer(limit: 8)
        var events: [LineFramer.Event] = []
        for chunk in ["0123", "456789", "abcdef", "ghij\nok", "\n"] { events += framer.feed(Array(chunk.utf8)) }
        #expect(events == [.tooLarge(bytes: 20), .line(Array("ok".utf8))])
    }

    @Test func unterminatedTailIsCounted() {
        var framer = LineFramer()
        _ = framer.feed(Array("{\"partial\"".utf8))
        #expect(framer.unterminated == 10)
    }
}
