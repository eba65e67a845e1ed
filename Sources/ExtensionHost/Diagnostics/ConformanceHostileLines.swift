import ExtensionProtocol

/// Lines a careless or broken host could send (SPEC §2.2, §3): an extension must survive
/// each — answer it with an `id: null` error, as JSON-RPC asks, or ignore it — and go on
/// answering requests.
enum ConformanceHostileLines {
    static let cases: [(name: String, lines: [String], what: String)] = [
        ("non-object line", ["[]", "42", "\"text\"", "null", "[{\"jsonrpc\":\"2.0\",\"id\":90,\"method\":\"ping\"}]"],
         "5 lines of JSON that are not objects (a batch among them)"),
        ("whitespace-only line", ["   ", "\t", " \t "], "3 lines of only spaces and tabs"),
        ("unreadable line", ["{\"jsonrpc\":\"2.0\",\"id\":91,\"method\":\"ping\"", "not json at all"],
         "2 lines that are not JSON (an error with id null is the JSON-RPC answer)"),
    ]

    /// Codes an answer to an unreadable or invalid line may carry.
    static let fittingCodes: Set<Int> = [ResponseError.parseError, -32600]

    static func run(_ connection: ExtensionConnection, _ recorder: ConformanceSuite.Recorder) {
        for hostile in cases {
            let before = connection.unattributedErrors.count
            guard hostile.lines.allSatisfy({ connection.writeRaw(Array(($0 + "\n").utf8)) }) else {
                recorder.record(hostile.name, false, "its stdin closed while the host wrote \(hostile.what)")
                continue
            }
            switch connection.request(Method.ping, nil, phase: "a ping after \(hostile.what)", limits: .within(5)) {
            case .failure(let failure):
                recorder.record(hostile.name, false, "after \(hostile.what): \(failure.description)")
            case .success:
                let answers = connection.unattributedErrors.dropFirst(before)
                if let odd = answers.first(where: { !fittingCodes.contains($0.code) }) {
                    recorder.record(hostile.name, false, "answered \(hostile.what) with error \(odd.code); -32700 (or -32600) with id null fits")
                } else {
                    let answered = answers.isEmpty ? "ignored them" : "answered \(answers.count) with an error and id null"
                    recorder.record(hostile.name, true, "survived \(hostile.what): \(answered), then answered a ping")
                }
            }
        }
    }
}
