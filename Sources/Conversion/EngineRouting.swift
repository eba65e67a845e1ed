import Platform
import ExtensionHost
import Logging
import FormatKit
import Pipeline

/// Extension or built-in engine: offers a conversion to the extensions that claim it or may
/// convert it (`ExtensionRouter.delegate`) and falls back to the built-in converter whenever
/// an extension declines, crashes, hangs, misbehaves or writes a bad file — one warning line
/// says which and why.
enum EngineRouting {
    /// `report` is the discovery of the request's search path (`ExtensionRouter.discover`).
    static func convert(
        _ request: ConversionRequest, input: ResolvedInput, report: DiscoveryReport, progress: ProgressCounter?, logger: Logger
    ) throws(ConversionError) -> ConversionResult {
        let (options, engine, environment) = (request.options, request.engine, request.environment)
        // PYFORGE_FORCE_CORE wins over claimed paths too: it is how a pyforge started by an
        // extension (SPEC §15.4) is kept from handing the same conversion back to it.
        if ExtensionRouter.forcesCore(environment) {
            return try Converter.convert(options, input: input.opened, progress: progress, logger: logger)
        }
        let started = monotonicSeconds()
        let (outputPath, format) = try Converter.resolveOutput(options, input: input.format)
        let inputFormat = input.format?.rawValue ?? "unknown"
        let selection = try CandidateSelection(
            report: report, request: options, outputPath: outputPath, inputFormat: inputFormat, format: format, engine: engine)
        let claimed = !selection.claimants.isEmpty
        guard engine != .core || claimed else {
            return try Converter.convert(options, input: input.opened, progress: progress, logger: logger)
        }
        if let table = options.table {
            return try ExtensionRouter.convertToTable(
                options, table: table, inputFormat: inputFormat, inputSize: input.size, selection: selection,
                environment: environment, logger: logger, started: started)
        }
        if selection.isEngineAlias && format == .delta {
            throw .invalidOption("--engine \(selection.engineOption) writes Parquet files; Delta tables are written by the built-in engine (use --engine auto or core).")
        }
        let candidates = selection.delegable(format: format, delta: options.delta)
        var warnings: [String] = []
        var notUsed: [String] = []
        var decision: String?
        if !candidates.isEmpty {
            switch ExtensionRouter.delegate(
                options, outputPath: outputPath, format: format, inputFormat: inputFormat, inputSize: input.size,
                selection: selection, candidates: candidates, environment: environment, logger: logger)
            {
            case .success(var result):
                result.seconds = monotonicSeconds() - started
                if let line = result.details["decision"] { logger.info("\(line)") }
                return result
            case .failure(let notDelegated):
                // Interrupted meanwhile (Ctrl-C): no fallback; the process exits.
                InterruptCleanup.holdIfInterrupted()
                let failures = notDelegated.attempts
                let onlyDeclined = failures.allSatisfy { if case .declined = $0.failure { return true } else { return false } }
                let reason = failures.first.map { $0.failure.description } ?? "it did not convert"
                // A required extension, or a requested engine that is unavailable, is an error.
                if let name = selection.required ?? (onlyDeclined && selection.isEngineAlias ? candidates.first?.manifest.name : nil) {
                    throw .outputFailed(path: outputPath, reason: "extension '\(name)' did not convert '\(options.inputPath)': \(reason)")
                }
                if claimed && !coreReaches(options.inputPath, outputPath) {
                    throw .outputFailed(path: outputPath, reason: "extension '\(failures.first?.name ?? "?")' did not convert '\(options.inputPath)': \(reason); the built-in engine cannot reach these paths")
                }
                warnings = failures.map { "Extension '\($0.name)' was not used: \($0.failure.description); the built-in engine converted the file." }
                // The machine-readable reasons, for --json (declines are not news).
                notUsed = failures.filter { $0.failure.reason != "declined" }.map { "\($0.name): \($0.failure.reason)" }
                decision = notDelegated.decision
            }
        }
        // A decline is ordinary (debug level); anything else is one warning line each, printed
        // once: by the front end from the result's warnings (CLI, batch, serve, --json), or
        // here when the built-in engine fails too and there is no result to carry them.
        let (declined, failed) = (warnings.filter { $0.contains(": it declined") }, warnings.filter { !$0.contains(": it declined") })
        for line in declined { logger.debug("\(line)") }
        if let decision { logger.info("\(decision)") }
        var result: ConversionResult
        do {
            result = try Converter.convert(options, input: input.opened, progress: progress, logger: logger)
        } catch {
            for line in failed { logger.warning("\(line)") }
            throw error
        }
        result.warnings = failed + result.warnings
        if let decision { result.details["decision"] = decision }
        if !notUsed.isEmpty { result.details["extensions_not_used"] = notUsed.joined(separator: ", ") }
        // The time the user waited, extension attempts included (a hung extension's timeout
        // is part of it), not only the built-in engine's share.
        result.seconds = monotonicSeconds() - started
        return result
    }

    /// The built-in engine can convert only files it can open and write beside.
    private static func coreReaches(_ input: String, _ output: String) -> Bool {
        var info = stat()
        let directory = output.contains("/") ? String(output[..<output.lastIndex(of: "/")!]) : "."
        return stat(input, &info) == 0 && stat(directory.isEmpty ? "/" : directory, &info) == 0
    }
}
