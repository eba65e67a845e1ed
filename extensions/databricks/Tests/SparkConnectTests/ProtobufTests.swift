import Testing

@testable import SparkConnect

@Suite struct ProtobufTests {
    @Test func varintsUseSevenBitGroups() {
        var writer = ProtobufWriter()
        writer.int(1, 150)
        #expect(writer.bytes == [0x08, 0x96, 0x01])  // the protobuf documentation's example
        var negative = ProtobufWriter()
        negative.int(2, -1)
        #expect(negative.bytes == [0x10] + Array(repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func stringsAndNestedMessagesAreLengthPrefixed() {
        var writer = ProtobufWriter()
        writer.message(3) { $0.string(2, "testing") }
        #expect(writer.bytes == [0x1A, 0x09, 0x12, 0x07] + Array("testing".utf8))
    }

    @Test func mapsAreWrittenInKeyOrder() {
        var writer = ProtobufWriter()
        writer.stringMap(3, ["b": "2", "a": "1"])
        #expect(writer.bytes == [0x1A, 0x06, 0x0A, 0x01, 0x61, 0x12, 0x01, 0x31, 0x1A, 0x06, 0x0A, 0x01, 0x62, 0x12, 0x01, 0x32])
    }

    @Test func readerReturnsWhatWriterWrote() throws {
        var writer = ProtobufWriter()
        writer.string(1, "session")
        writer.int(5, 300)
        writer.message(2) { $0.int(1, 7) }
        var reader = ProtobufReader(writer.bytes)
        #expect(try reader.next()?.value.string == "session")
        #expect(try reader.next()?.value.integer == 300)
        let nested = try #require(try reader.next())
        #expect(nested.field == 2)
        var inner = ProtobufReader(try #require(nested.value.slice))
        #expect(try inner.next()?.value.integer == 7)
        #expect(try reader.next() == nil)
    }

    @Test func readerSkipsFixedWidthFields() throws {
        var reader = ProtobufReader([0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 1, 2, 3, 4, 0x18, 0x01])
        #expect(try reader.next()?.value == .fixed64(0x0807060504030201))
        #expect(try reader.next()?.value == .fixed32(0x04030201))
        #expect(try reader.next()?.value.integer == 1)
    }

    @Test func truncatedInputIsAnErrorNotACrash() {
        for bytes: [UInt8] in [[0x08], [0x0A, 0x05, 0x61], [0x09, 1, 2], [0x0B]] {
            var reader = ProtobufReader(bytes)
            #expect(throws: ProtobufError.self) { _ = try reader.next() }
        }
    }
}
