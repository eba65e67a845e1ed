@testable import ExtensionHost
import ExtensionProtocol
import Testing

/// The connection against tiny shell-script "extensions": what it survives, what it reads
/// before reporting a crash, and the cancellation it sends when a request times out.
@Suite struct ExtensionConnectionTests {
    static func connect(_ script: String) throws -> ExtensionConnection {
        let process = try ExtensionProcess(executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"])
        return ExtensionConnection(process: process, name: "script")
    }

    @Test func anErrorWithIDNullIsLoggedAndSurvived() throws {
        let connection = try Self.connect("""
            read request
            echo '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"not JSON"}}'
            echo '{"jsonrpc":"2.0","id":1,"result":{}}'
            cat >/dev/null
            """)
        defer { connection.close(grace: 0.2) }
        let result = connection.request(Method.ping, nil, phase: "ping", limits: .within(10))
        #expect((try? result.get()) == .object([:]))
        #expect(connection.unattributedErrors.map(\.code) == [ResponseError.parseError])
        #expect(connection.protocolViolation == nil && !connection.isUnresponsive)
    }

    @Test(arguments: 0..<20) func aCrashReportHasEveryStderrLineWrittenBeforeIt(run: Int) throws {
        let connection = try Self.connect("""
            read request
            for n in 1 2 3 4 5; do echo "step $n failed" >&2; done
            printf 'the last words, without a newline' >&2
            exit 4
            """)
        defer { connection.close(grace: 0.2) }
        let result = connection.request(Method.ping, nil, phase: "ping", limits: .within(10))
        guard case .failure(.crashed(let exit, let tail)) = result else {
            Issue.record("expected a crash, got \(result)")
            return
        }
        #expect(exit == "exited with status 4")
        #expect(tail == (1...5).map { "step \($0) failed" } + ["the last words, without a newline"])
    }

    @Test func aTimedOutRequestIsCancelledAndGivenItsGrace() throws {
        let connection = try Self.connect("""
            read request
            read cancel
            case "$cancel" in
            *'"$/cancelRequest"'*'"id":1'*) echo '{"jsonrpc":"2.0","id":1,"error":{"code":-32800,"message":"cancelled"}}' ;;
            esac
            cat >/dev/null
            """)
        defer { connection.close(grace: 0.2) }
        let limits = RequestLimits(idle: 0.2, absolute: 10, cancelGrace: 5)
        let result = connection.request(Method.convert, nil, phase: "convert", limits: limits)
        #expect(result == .failure(.timedOut(phase: "convert", seconds: 0.2)))
        #expect(connection.awaitCancelled([.number(1)], seconds: 0) == [.number(1): .acknowledged])
        #expect(connection.isUnresponsive)
    }
}
