import Platform
import ArgumentParser
import Conversion
import ExtensionHost
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Pipeline
import FormatKit

extension ConvertCommand {
    /// Batch mode: every input converted independently, `workers` at a time.
    func runBatch(_ console: Console) throws {
        let started = ContinuousClock.now
        let environment = conversionEnvironment
        let workerCount = workers ?? BatchConversion.defaultWorkers(environment: environment)
        let (paths, patternFailures) = BatchConversion.expand(self.paths)
        for failure in patternFailures { console.status("FAIL \(failure.input): \(failure.error!.description)") }
        var template = request
        template.outputPath = nil
        let requests: [ConvertRequest]
        var created = CreatedDirectories()
        do throws(ConversionError) {
            requests = try BatchConversion.plan(paths, template: template, outputDirectory: outputDir)
            if let outputDir, !requests.isEmpty { created = try BatchConversion.makeDirectory(outputDir) }
        } catch {
            if json { try console.printJSON(FailureReport(input: self.paths.joined(separator: " "), error: error)) }
            throw CommandFailure(error)
        }
        // Files are converted in worker processes: a crash or an out-of-memory kill fails that
        // file only. Each batch thread keeps its worker for the next file (WorkerPool).
        let pool = WorkerPool(
            arguments: Self.workerArguments(LegacyArguments.rewrite(Array(CommandLine.arguments.dropFirst()))), environment: environment)
        let converted = BatchConversion.run(
            requests, workers: workerCount,
            convert: { (request: ConvertRequest) throws(ConversionError) -> [ConversionResult] in
                try IsolatedConversion.run(pool: pool, input: request.inputPath, output: request.outputPath)
            },
            finished: { outcome in Console.reportBatchFile(outcome, console: console) })
        pool.close()
        let outcomes = patternFailures + converted
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = BatchSummary(outcomes, seconds: seconds, workers: min(workerCount, max(1, requests.count)))
        console.printBatchSummary(summary)
        if json { try console.printJSON(BatchReport(results: outcomes, summary: summary)) }
        if summary.failed > 0 {
            // When nothing was written, the output directories made for the batch go again.
            created.removeIfEmpty()
            throw ExitCode.failure
        }
    }
}

extension ConvertCommand {
    /// The batch's command line again, for its workers: `--batch-worker` goes right after
    /// `convert` (after a `--`, it would be read as an input path).
    static func workerArguments(_ commandLine: [String]) -> [String] {
        var arguments = commandLine
        if let at = arguments.firstIndex(of: "convert") {
            arguments.insert("--batch-worker", at: at + 1)
            return arguments
        }
        return ["convert", "--batch-worker"] + arguments
    }

    /// A batch's worker: converts each input named on stdin (a path and a NUL byte) as the
    /// batch would (same options, same output path) and answers each with a WorkerOutcome
    /// line on stdout; ends at EOF.
    func runAsWorker(_ console: Console) {
        WorkerProcess.becomeWorker(environment: ProcessInfo.processInfo.environment)
        let channel = IsolatedConversion.claimStdout()
        var template = request
        template.outputPath = nil
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard let end = pending.firstIndex(of: 0) else {
                let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                pending.append(contentsOf: buffer[0..<n])
                continue
            }
            let input = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeFirst(end + 1)
            let outcome: WorkerOutcome
            do throws(ConversionError) {
                let planned = try BatchConversion.plan([input], template: template, outputDirectory: outputDir)
                let results = try ConversionService.convert(
                    planned[0], engine: EngineChoice(engineName), environment: conversionEnvironment, progress: nil, logger: console.logger)
                outcome = WorkerOutcome(results: results)
            } catch {
                outcome = WorkerOutcome(error: error)
            }
            IsolatedConversion.answer(outcome, on: channel)
        }
    }
}

extension Console {
    /// One line per file as it finishes: `OK  a.csv → out/a.parquet  1,000 rows  0.12 s`.
    static func reportBatchFile(_ outcome: BatchFileOutcome, console: Console) {
        if let error = outcome.error {
            console.status("FAIL \(outcome.input): \(error.description)")
            return
        }
        let outputs = outcome.results.count == 1
            ? outcome.results[0].output
            : "\(outcome.results.count) outputs in \(AtomicOutputFileDirectory.of(outcome.results[0].output))"
        console.status("OK  \(outcome.input) → \(outputs)  \(Formatting.grouped(outcome.rows)) rows  \(Formatting.seconds(outcome.seconds))")
        for result in outcome.results {
            for warning in result.warnings { console.warning("\(outcome.input): \(warning)") }
        }
    }

    func printBatchSummary(_ summary: BatchSummary) {
        let table = TextTable(headers: ["Files", "Succeeded", "Failed", "Rows", "Bytes in", "Bytes out", "Workers", "Wall time"])
        table.add([
            Formatting.grouped(summary.files), Formatting.grouped(summary.succeeded), Formatting.grouped(summary.failed),
            Formatting.grouped(summary.rows), Formatting.bytes(summary.bytesIn), Formatting.bytes(summary.bytesOut),
            String(summary.workers), Formatting.seconds(summary.seconds),
        ])
        writeStderr("\n" + table.render())
    }
}

enum AtomicOutputFileDirectory {
    static func of(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return path[..<slash].isEmpty ? "/" : String(path[..<slash])
    }
}
