#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ExtensionProtocol

/// `pyforge extensions check DIR`: the protocol behaviours every extension must have,
/// each checked against a fresh or running process of the extension in DIR.
public enum ConformanceSuite {
    public struct Check: Sendable, Codable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    public static func run(directory: String, environment: [String: String]) -> [Check] {
        var checks: [Check] = []
        func record(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(Check(name: name, passed: passed, detail: detail))
        }
        let found: DiscoveredExtension
        switch ExtensionDiscovery.inspect(directory) {
        case .invalid(let reason):
            record("manifest", false, reason)
            return checks
        case .insecure(let reason):
            record("manifest", false, "insecure: \(reason)")
            return checks
        case .usable(let discovered):
            found = discovered
            record("manifest", true, "\(discovered.manifest.name) \(discovered.manifest.version), executable \(discovered.executable)")
        }

        // Handshake, ping, unknown method, large message, cancellation, then exit on EOF.
        switch ExtensionSession.start(found, environment: environment) {
        case .failure(let failure):
            record("handshake", false, failure.description)
        case .success(let session):
            record("handshake", true, "protocol \(session.protocolVersion)")
            let connection = session.connection
            switch connection.request(Method.ping, nil, phase: "ping", idle: 5, absolute: 5) {
            case .success: record("ping", true, "answered")
            case .failure(let failure): record("ping", false, failure.description)
            }
            switch connection.request("pyforge/noSuchMethod", nil, phase: "an unknown method", idle: 5, absolute: 5) {
            case .failure(.errorResponse(let error)) where error.code == ResponseError.methodNotFound:
                record("unknown method", true, "answered -32601")
            case .failure(let failure): record("unknown method", false, "expected error -32601, got: \(failure.description)")
            case .success: record("unknown method", false, "expected error -32601, got a result")
            }
            let big = JSONValue.object(["padding": .string(String(repeating: "x", count: 4 << 20))])
            switch connection.request(Method.ping, big, phase: "a 4 MiB ping", idle: 10, absolute: 10) {
            case .success: record("large message", true, "a 4 MiB request was answered")
            case .failure(let failure): record("large message", false, failure.description)
            }
            let probe = try? JSONValue(encoding: ProbeParams(
                input: FileRef(path: "/nonexistent/pyforge-conformance.csv", format: found.manifest.inputFormats.first ?? "csv"),
                output: FileRef(path: "/nonexistent/out", format: found.manifest.outputFormats.first ?? "parquet")))
            switch connection.requestCancellingImmediately(Method.probe, probe, idle: 5) {
            case .success, .failure(.errorResponse):
                record("cancellation", true, "a cancelled request was still answered")
            case .failure(let failure):
                record("cancellation", false, "a cancelled request must still be answered (result or -32800): \(failure.description)")
            }
            // Every line so far parsed as a protocol message, or a check above failed.
            record("stdout is protocol only", connection.protocolViolation == nil, connection.protocolViolation?.description ?? "every line was a JSON-RPC message")
            connection.process.closeStdin()
            let deadline = monotonicNow() + 2
            while connection.process.exitStatus == nil && monotonicNow() < deadline { usleep(10_000) }
            let exited = connection.process.exitStatus != nil
            record("exits on stdin EOF", exited, exited ? "exited within 2 s" : "still running 2 s after stdin closed")
            connection.close(grace: 0.2)
        }

        // Version negotiation: a host that speaks only an unknown version gets a clear error.
        if let process = try? ExtensionProcess(executable: found.executable, environment: environment) {
            let connection = ExtensionConnection(process: process)
            let params = try? JSONValue(encoding: InitializeParams(
                protocolVersions: [ProtocolVersion(major: 99, minor: 0)], host: PeerInfo(name: "pyforge-check", version: "0")))
            switch connection.request(Method.initialize, params, phase: "initialize", idle: 5, absolute: 5) {
            case .failure(.errorResponse(let error)) where error.code == ResponseError.invalidParams:
                record("version negotiation", true, "refused protocol 99.0 with -32602")
            case .failure(let failure): record("version negotiation", false, "expected error -32602 for protocol 99.0, got: \(failure.description)")
            case .success: record("version negotiation", false, "accepted protocol 99.0, which it cannot speak")
            }
            connection.close(grace: 0.5)
        }
        return checks
    }
}
