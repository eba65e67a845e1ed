import ExtensionProtocol
@testable import PyForgeExtensionKit
import Testing

/// A handler whose extra methods exercise the kit: `wait` runs until cancelled, `blocking`
/// runs synchronous work through `runBlocking`.
private struct TestHandler: ExtensionHandler {
    let info = PeerInfo(name: "kit-test", version: "1.0.0")
    let protocolVersions: [ProtocolVersion] = [.v1_0, .v1_1]

    func probe(_ params: ProbeParams, context: RequestContext) async throws -> ProbeResult {
        ProbeResult(accept: false, reason: "tests only")
    }

    func convert(_ params: ConvertParams, context: RequestContext) async throws -> ConvertResult {
        throw ExtensionError(message: "no conversions here", reason: "conversionFailed")
    }

    func handle(method: String, params: JSONValue?, context: RequestContext) async throws -> JSONValue? {
        switch method {
        case "wait":
            try await Task.sleep(for: .seconds(60))
            return .string("not cancelled")
        case "blocking":
            let sum = await runBlocking { () -> Int in (1...1000).reduce(0, +) }
            return .number(Double(sum))
        default:
            return nil
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct ExtensionServerTests {
    @Test func initializeAgreesOnTheHighestCommonVersion() async throws {
        let loop = ProtocolLoop(TestHandler())
        let params = try JSONValue(encoding: InitializeParams(protocolVersions: [.v1_0, .v1_1, .v1_2], host: PeerInfo(name: "host", version: "2")))
        try loop.send(.request(id: .number(1), method: Method.initialize, params: params))
        let answer = try #require(await loop.next())
        guard case .response(.number(1), let result) = answer else {
            Issue.record("expected the initialize result, got \(answer)")
            return
        }
        let initialized = try result.decode(InitializeResult.self)
        #expect(initialized.protocolVersion == .v1_1)
        #expect(initialized.extension.name == "kit-test")
        await loop.finish()
    }

    @Test func noCommonVersionIsInvalidParamsListingWhatItSpeaks() async throws {
        let loop = ProtocolLoop(TestHandler())
        let params = try JSONValue(encoding: InitializeParams(protocolVersions: [.v1_2], host: PeerInfo(name: "host", version: "2")))
        try loop.send(.request(id: .number(1), method: Method.initialize, params: params))
        let answer = try #require(await loop.next())
        guard case .errorResponse(.number(1), let error) = answer else {
            Issue.record("expected an error, got \(answer)")
            return
        }
        #expect(error.code == ResponseError.invalidParams)
        #expect(error.data?["supported"] == .array([.string("1.0"), .string("1.1")]))
        await loop.finish()
    }

    @Test func unreadableLinesAndUnknownMethodsGetTheirErrors() async throws {
        let loop = ProtocolLoop(TestHandler())
        try loop.sendRaw(Array("{not json\n".utf8))
        let unreadable = try #require(await loop.next())
        #expect(unreadable.errorCode == ResponseError.parseError)
        #expect(unreadable.responseID == nil)
        try loop.send(.request(id: .string("x"), method: "nope", params: nil))
        let unknown = try #require(await loop.next())
        #expect(unknown.errorCode == ResponseError.methodNotFound)
        #expect(unknown.responseID == .string("x"))
        try loop.send(.request(id: .number(2), method: Method.ping, params: nil))
        #expect(await loop.next() == .response(id: .number(2), result: .object([:])))
        await loop.finish()
    }

    /// The request's task is cancelled by `$/cancelRequest` while stdin stays open, and the
    /// answer is -32800; a ping sent meanwhile is answered first (the loop is not blocked).
    @Test func cancelRequestCancelsTheRunningRequest() async throws {
        let loop = ProtocolLoop(TestHandler())
        try loop.send(.request(id: .number(7), method: "wait", params: nil))
        try loop.send(.request(id: .number(8), method: Method.ping, params: nil))
        #expect(await loop.next() == .response(id: .number(8), result: .object([:])))
        try loop.send(.notification(method: Method.cancelRequest, params: try JSONValue(encoding: CancelParams(id: .number(7)))))
        let cancelled = try #require(await loop.next())
        #expect(cancelled.responseID == .number(7))
        #expect(cancelled.errorCode == ResponseError.requestCancelled)
        await loop.finish()
    }

    @Test func aRunningIdCannotBeReusedAndWorkAfterShutdownIsRefused() async throws {
        let loop = ProtocolLoop(TestHandler())
        try loop.send(.request(id: .number(1), method: "wait", params: nil))
        try loop.send(.request(id: .number(1), method: "wait", params: nil))
        let duplicate = try #require(await loop.next())
        #expect(duplicate.errorCode == ResponseError.invalidRequest)
        try loop.send(.request(id: .number(2), method: Method.shutdown, params: nil))
        // Shutdown cancels the waiting request; both are answered, in either order.
        let answers = await loop.next(2)
        #expect(Set(answers.compactMap(\.responseID)) == [.number(1), .number(2)])
        #expect(answers.contains(.response(id: .number(2), result: .null)))
        #expect(answers.first { $0.responseID == .number(1) }?.errorCode == ResponseError.requestCancelled)
        try loop.send(.request(id: .number(3), method: "blocking", params: nil))
        let refused = try #require(await loop.next())
        #expect(refused.errorCode == ResponseError.invalidRequest)
        try loop.send(.request(id: .number(4), method: Method.ping, params: nil))
        #expect(await loop.next() == .response(id: .number(4), result: .object([:])))
        await loop.finish()
    }

    @Test func blockingWorkRunsOffThePoolAndAnswers() async throws {
        let loop = ProtocolLoop(TestHandler())
        try loop.send(.request(id: .number(1), method: "blocking", params: nil))
        #expect(await loop.next() == .response(id: .number(1), result: .number(500500)))
        await loop.finish()
    }

    @Test func runBlockingPassesTypedErrorsThrough() async {
        struct Refused: Error, Equatable {}
        await #expect(throws: Refused()) {
            try await runBlocking { () throws(Refused) -> Int in throw Refused() }
        }
    }
}
