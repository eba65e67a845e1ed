// A test extension on PyForgeExtensionKit that misbehaves on purpose, for the host's
// failure-mode tests (Tests/EndToEnd/test_extension_failure_modes.py); not an example to
// copy. The file `mode` beside the executable picks the misbehaviour:
// - hang-init: never answers initialize (sleeps before serving);
// - crash-mid-convert: writes five lines on stderr during convert, then exits with status 7;
// - progress-stuck: reports the same progress every 0.2 s and never answers convert;
// - cancellable: converts for ever, until the host cancels the request (-32800).
// Every other request is accepted, so that convert is reached.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ExtensionProtocol
import PyForgeExtensionKit

let here = CommandLine.arguments[0].split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
let mode: String = {
    let fd = open(here + "/mode", O_RDONLY)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return String(decoding: buffer.prefix(max(n, 0)), as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
}()

/// Leaves a file beside the executable, for the test to see what happened.
func mark(_ name: String) {
    let fd = open(here + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd >= 0 { close(fd) }
}

func sayOnStderr(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

struct MisbehavingExtension: ExtensionHandler {
    let info = PeerInfo(name: "swift-misbehaving", version: "1.0.0")

    func probe(_ params: ProbeParams, context: RequestContext) async throws -> ProbeResult {
        ProbeResult(accept: true, priority: 1)
    }

    func convert(_ params: ConvertParams, context: RequestContext) async throws -> ConvertResult {
        mark("converting")
        switch mode {
        case "crash-mid-convert":
            for n in 1...5 { sayOnStderr("swift-misbehaving: step \(n) of 5 went wrong") }
            exit(7)
        case "progress-stuck":
            while true {
                context.progress(done: 1, total: 10, message: "still at 1")
                try await Task.sleep(for: .milliseconds(200))
            }
        default:
            do {
                try await Task.sleep(for: .seconds(1000))
            } catch {
                mark("cancelled")
                throw error
            }
            return ConvertResult(rows: 0, engine: info.name)
        }
    }
}

if mode == "hang-init" { sleep(1000) }
await ExtensionServer.run(MisbehavingExtension())
