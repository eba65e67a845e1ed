#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Conversion
import ExtensionHost
import Platform
import ExtensionProtocol
import Logging
import Pipeline
import FormatKit

/// `pyforge serve --stdio --worker`: one `convert` request of a server, run in its own
/// process (IsolatedConversion) so that a crash or an out-of-memory kill fails that
/// request only and the server goes on. Reads the request's params on stdin, answers
/// with a WorkerOutcome on stdout.
public enum ServeWorker {
    static let arguments = ["serve", "--stdio", "--worker"]

    /// In the server: the request converted by a worker.
    static func convert(_ params: JSONValue, environment: [String: String], progress: ProgressCounter) throws -> [ConversionResult] {
        let request = try params.decode(ServeConvertParams.self)
        let converted = try request.request()
        let encoded = try JSONEncoder().encode(params)
        return try IsolatedConversion.run(
            arguments: arguments, stdin: [UInt8](encoded), input: converted.inputPath, output: converted.outputPath,
            environment: environment, progress: progress)
    }

    /// In the worker.
    public static func run(environment: [String: String], logger: Logger) -> Int32 {
        WorkerProcess.becomeWorker(environment: environment)
        let channel = IsolatedConversion.claimStdout()
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        let outcome: WorkerOutcome
        do {
            let params = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            let request = try params.decode(ServeConvertParams.self)
            let converted = try request.request()
            let prepared = try ConversionService.prepare(ConversionRequest(
                options: converted, engine: EngineChoice(request.engine ?? "auto"), environment: request.environment(environment)))
            let progress = ProgressCounter(totalBytes: prepared.input.size)
            let relay = IsolatedConversion.relayProgress(progress, channel: channel)
            defer { relay.stop() }
            let results = try prepared.run(progress: progress, logger: logger)
            outcome = WorkerOutcome(results: results)
        } catch let error as ConversionError {
            outcome = WorkerOutcome(error: error)
        } catch {
            outcome = WorkerOutcome(error: .invalidOption("The convert request's params could not be read: \(error)."))
        }
        IsolatedConversion.answer(outcome, on: channel)
        return 0
    }
}
