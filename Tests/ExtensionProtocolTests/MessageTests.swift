import ExtensionProtocol
import Testing

@Suite struct MessageTests {
    @Test func roundTripsEveryKind() throws {
        let messages: [Message] = [
            .request(id: .number(1), method: "probe", params: .object(["input": .string("a\nb")])),
            .request(id: .string("x-2"), method: "ping", params: nil),
            .notification(method: "$/progress", params: .object(["token": .string("t"), "done": .number(3)])),
            .response(id: .number(1), result: .object(["accept": .bool(false)])),
            .errorResponse(id: .number(7), error: ResponseError(code: ResponseError.requestCancelled, message: "cancelled")),
            .errorResponse(id: nil, error: ResponseError(code: ResponseError.parseError, message: "bad json")),
        ]
        for message in messages {
            let line = try message.encodedLine()
            #expect(line.last == 0x0A)
            #expect(line.dropLast().contains(0x0A) == false, "a message must be exactly one line")
            #expect(try Message.decode(line: line.dropLast()) == message)
        }
    }

    @Test func rejectsWrongVersionAndShapes() {
        #expect(throws: (any Error).self) { try Message.decode(line: Array(#"{"jsonrpc":"1.0","id":1,"method":"x"}"#.utf8)) }
        #expect(throws: (any Error).self) { try Message.decode(line: Array(#"{"jsonrpc":"2.0","id":1}"#.utf8)) }
        #expect(throws: (any Error).self) { try Message.decode(line: Array("not json".utf8)) }
    }

    @Test func typedBodiesRoundTripThroughJSONValue() throws {
        let probe = ProbeParams(input: FileRef(path: "/d/a.csv", format: "csv", size: 10), output: FileRef(path: "/d/.a.tmp", format: "parquet"))
        #expect(try JSONValue(encoding: probe).decode(ProbeParams.self) == probe)
    }

    @Test func negotiatesTheHighestCommonVersion() {
        let v1 = ProtocolVersion(major: 1, minor: 0), v11 = ProtocolVersion(major: 1, minor: 1), v2 = ProtocolVersion(major: 2, minor: 0)
        #expect(ProtocolVersion.negotiate([v1, v11], [v11, v2]) == v11)
        #expect(ProtocolVersion.negotiate([v1], [v2]) == nil)
        #expect(ProtocolVersion.mismatchAdvice(host: [v1], extension: [v2], extensionName: "x").contains("upgrade pyforge"))
        #expect(ProtocolVersion.mismatchAdvice(host: [v2], extension: [v1], extensionName: "x").contains("upgrade the extension"))
        // A clause quoted inside longer sentences: no period of its own ("1.0.; the built-in…").
        #expect(!ProtocolVersion.mismatchAdvice(host: [v2], extension: [v1], extensionName: "x").hasSuffix("."))
        let refusal = ProtocolVersion.refusalAdvice(host: [v1, v11], manifest: [v11], extensionName: "x", said: "no")
        #expect(refusal.contains("although its manifest lists 1.1") && refusal.contains("(it said: no)") && !refusal.hasSuffix("."))
    }

    @Test func theHostSpeaksEveryMinorVersionUpToTheCurrentOne() {
        #expect(ProtocolVersion.supported.map(\.description) == ["1.0", "1.1", "1.2"])
        #expect(ProtocolVersion.current == ProtocolVersion.v1_2)
    }
}
