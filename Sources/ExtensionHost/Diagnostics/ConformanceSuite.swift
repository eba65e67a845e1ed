import Platform
import ExtensionProtocol

/// `pyforge extensions check DIR`: the protocol behaviours every extension must have,
/// each checked against a fresh or running process of the extension in DIR (SPEC §12.6).
/// An extension that does not complete the handshake gets no further checks, so a hung
/// one costs the startup timeout once.
public enum ConformanceSuite {
    public struct Check: Sendable, Codable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    /// Collects the checks' outcomes in order.
    final class Recorder {
        private(set) var checks: [Check] = []
        func record(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(Check(name: name, passed: passed, detail: detail))
        }
    }

    public static func run(directory: String, environment: [String: String]) -> [Check] {
        let recorder = Recorder()
        let found: DiscoveredExtension
        switch ExtensionDiscovery.inspect(directory) {
        case .invalid(let reason):
            recorder.record("manifest", false, reason)
            return recorder.checks
        case .insecure(let reason):
            recorder.record("manifest", false, "insecure: \(reason)")
            return recorder.checks
        case .usable(let discovered):
            found = discovered
            recorder.record("manifest", true, "\(discovered.manifest.name) \(discovered.manifest.version), executable \(discovered.executable)")
        }
        guard checkRunningExtension(found, environment: environment, recorder) else { return recorder.checks }
        ConformanceConvert.run(found, environment: environment, recorder)
        checkVersionNegotiation(found, environment: environment, recorder)
        return recorder.checks
    }

    /// Handshake, ping, unknown method, large message, cancellation, hostile lines, then
    /// exit on EOF. False when the handshake failed.
    private static func checkRunningExtension(_ found: DiscoveredExtension, environment: [String: String], _ recorder: Recorder) -> Bool {
        let session: ExtensionSession
        switch ExtensionSession.start(found, environment: environment) {
        case .failure(let failure):
            recorder.record("handshake", false, failure.description + "; the other checks need a handshake and were not run")
            return false
        case .success(let started):
            session = started
            recorder.record("handshake", true, "protocol \(session.protocolVersion)")
        }
        let connection = session.connection
        switch connection.request(Method.ping, nil, phase: "ping", limits: .within(5)) {
        case .success: recorder.record("ping", true, "answered")
        case .failure(let failure): recorder.record("ping", false, failure.description)
        }
        switch connection.request("pyforge/noSuchMethod", nil, phase: "an unknown method", limits: .within(5)) {
        case .failure(.errorResponse(let error)) where error.code == ResponseError.methodNotFound:
            recorder.record("unknown method", true, "answered -32601")
        case .failure(let failure): recorder.record("unknown method", false, "expected error -32601, got: \(failure.description)")
        case .success: recorder.record("unknown method", false, "expected error -32601, got a result")
        }
        let big = JSONValue.object(["padding": .string(String(repeating: "x", count: 4 << 20))])
        switch connection.request(Method.ping, big, phase: "a 4 MiB ping", limits: .within(10)) {
        case .success: recorder.record("large message", true, "a 4 MiB request was answered")
        case .failure(let failure): recorder.record("large message", false, failure.description)
        }
        let probe = try? JSONValue(encoding: ProbeParams(
            input: FileRef(path: "/nonexistent/pyforge-conformance.csv", format: found.manifest.inputFormats.first ?? "csv"),
            output: FileRef(path: "/nonexistent/out", format: found.manifest.outputFormats.first ?? "parquet")))
        switch connection.requestCancellingImmediately(Method.probe, probe, idle: 5) {
        case .success:
            recorder.record("cancellation", true, "a cancelled request was still answered, with its result")
        case .failure(.errorResponse(let error)) where error.code == ResponseError.requestCancelled:
            recorder.record("cancellation", true, "a cancelled request was answered with -32800")
        case .failure(.errorResponse(let error)):
            recorder.record(
                "cancellation", false,
                "a cancelled request must be answered with its result or error -32800, not error \(error.code) (\(error.message))")
        case .failure(let failure):
            recorder.record("cancellation", false, "a cancelled request must still be answered (result or -32800): \(failure.description)")
        }
        ConformanceHostileLines.run(connection, recorder)
        // Every line so far parsed as a protocol message, or a check above failed.
        recorder.record(
            "stdout is protocol only", connection.protocolViolation == nil,
            connection.protocolViolation?.description ?? "every line was a JSON-RPC message")
        connection.process.closeStdin()
        let deadline = monotonicSeconds() + 2
        while connection.process.exitStatus == nil && monotonicSeconds() < deadline { usleep(10_000) }
        let exited = connection.process.exitStatus != nil
        recorder.record("exits on stdin EOF", exited, exited ? "exited within 2 s" : "still running 2 s after stdin closed")
        connection.close(grace: ExtensionSession.failedGrace)
        return true
    }

    /// A host that speaks only an unknown version gets a clear error.
    private static func checkVersionNegotiation(_ found: DiscoveredExtension, environment: [String: String], _ recorder: Recorder) {
        guard let process = try? ExtensionProcess(executable: found.executable, environment: environment) else { return }
        let connection = ExtensionConnection(process: process, name: found.manifest.name)
        let params = try? JSONValue(encoding: InitializeParams(
            protocolVersions: [ProtocolVersion(major: 99, minor: 0)], host: PeerInfo(name: "pyforge-check", version: "0")))
        switch connection.request(Method.initialize, params, phase: "initialize", limits: .within(5)) {
        case .failure(.errorResponse(let error)) where error.code == ResponseError.invalidParams:
            recorder.record("version negotiation", true, "refused protocol 99.0 with -32602")
        case .failure(let failure): recorder.record("version negotiation", false, "expected error -32602 for protocol 99.0, got: \(failure.description)")
        case .success: recorder.record("version negotiation", false, "accepted protocol 99.0, which it cannot speak")
        }
        connection.close(grace: ExtensionSession.failedGrace)
    }
}
