import Platform
import ExtensionProtocol
import Logging
import PyForgeCore
import FormatKit

/// Which engine converts.
public enum EngineChoice: Sendable, Equatable {
    /// An extension that claims the conversion, else the built-in engine.
    case auto
    /// The built-in engine only.
    case core
    /// That extension, failing clearly instead of falling back.
    case named(String)

    public init(_ text: String) {
        switch text.lowercased() {
        case "auto": self = .auto
        case "core": self = .core
        default: self = .named(text)
        }
    }
}

/// Delegates a conversion to the extension that claims it and falls back to the built-in
/// converter whenever an extension declines, crashes, hangs, misbehaves or writes a bad
/// file — one warning line says which and why.
public enum ExtensionRouter {
    /// `report` is the discovery of `environment`'s search path (`discover(_:)`).
    public static func convert(
        _ request: ConvertRequest, engine: EngineChoice, environment: [String: String], report: DiscoveryReport,
        progress: ProgressCounter?, logger: Logger
    ) throws(ConversionError) -> ConversionResult {
        // PYFORGE_FORCE_CORE wins over claimed paths too: it is how a pyforge started by an
        // extension (SPEC §15.4) is kept from handing the same conversion back to it.
        if forcesCore(environment) {
            return try Converter.convert(request, progress: progress, logger: logger)
        }
        let started = monotonicSeconds()
        let (outputPath, format) = try Converter.resolveOutput(request)
        let inputFormat = InputFormat(path: request.inputPath)?.rawValue ?? "unknown"
        let selection = try CandidateSelection(
            report: report, request: request, outputPath: outputPath, inputFormat: inputFormat, format: format, engine: engine)
        let claimed = !selection.claimants.isEmpty
        guard engine != .core || claimed else {
            return try Converter.convert(request, progress: progress, logger: logger)
        }
        if let table = request.table {
            return try convertToTable(request, table: table, selection: selection, environment: environment, logger: logger, started: started)
        }
        if selection.isEngineAlias && format == .delta {
            throw .invalidOption("--engine \(selection.engineOption) writes Parquet files; Delta tables are written by the built-in engine (use --engine auto or core).")
        }
        // Delta outputs go only to extensions that speak 1.2, which defines how they are written
        // (§16.1), and never with partitioning or schema merging, which it does not pass on.
        let deltaDelegable = request.delta.partitionBy.isEmpty && !request.delta.mergeSchema
        let candidates = format != .delta || claimed
            ? selection.candidates
            : selection.candidates.filter { deltaDelegable && $0.manifest.protocolVersions.contains { $0 >= .v1_2 } }
        let options = DelegationOptions(engine: selection.engineOption, force: request.force, direct: selection.claimedOutput)
        var warnings: [String] = []
        var notUsed: [String] = []
        var decision: String?
        if !candidates.isEmpty {
            switch delegate(
                request, outputPath: outputPath, format: format, inputFormat: inputFormat, candidates: candidates, options: options,
                claimed: claimed, environment: environment, logger: logger)
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
                    throw .outputFailed(path: outputPath, reason: "extension '\(name)' did not convert '\(request.inputPath)': \(reason)")
                }
                if claimed && !coreReaches(request.inputPath, outputPath) {
                    throw .outputFailed(path: outputPath, reason: "extension '\(failures.first?.name ?? "?")' did not convert '\(request.inputPath)': \(reason); the built-in engine cannot reach these paths")
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
            result = try Converter.convert(request, progress: progress, logger: logger)
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

    /// `--table NAME --engine spark`: the engine's extension writes a catalog table; there is
    /// no file, so nothing to validate or move, and no built-in fallback.
    private static func convertToTable(
        _ request: ConvertRequest, table: String, selection: CandidateSelection, environment: [String: String],
        logger: Logger, started: Double
    ) throws(ConversionError) -> ConversionResult {
        guard selection.isEngineAlias, let provider = selection.candidates.first else {
            throw .invalidOption("--table writes a catalog table through Spark; add --engine spark.")
        }
        let format = request.format ?? .parquet
        guard format == .parquet || format == .delta else {
            throw .invalidOption("--table writes parquet or delta tables, not \(format.rawValue).")
        }
        let options = DelegationOptions(
            engine: selection.engineOption, force: request.force, direct: true, table: table,
            mode: request.force ? "overwrite" : request.delta.mode.rawValue)
        let inputFormat = InputFormat(path: request.inputPath)?.rawValue ?? "unknown"
        switch delegate(request, outputPath: table, format: format, inputFormat: inputFormat, candidates: [provider], options: options, environment: environment, logger: logger) {
        case .success(var result):
            result.seconds = monotonicSeconds() - started
            return result
        case .failure(let notDelegated):
            let reason = notDelegated.attempts.first.map { $0.failure.description } ?? "it did not convert"
            throw .outputFailed(path: table, reason: "extension '\(provider.manifest.name)' did not write the table: \(reason)")
        }
    }

    /// `PYFORGE_FORCE_CORE` (set for the built-in engine an extension runs): no extensions.
    static func forcesCore(_ environment: [String: String]) -> Bool {
        environment["PYFORGE_FORCE_CORE"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
    }

    /// The extensions on the search path `environment` names.
    public static func discover(_ environment: [String: String]) -> DiscoveryReport {
        ExtensionDiscovery.discover(
            searchPath: ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable))
    }

    /// The built-in engine can convert only files it can open and write beside.
    private static func coreReaches(_ input: String, _ output: String) -> Bool {
        var info = stat()
        let directory = output.contains("/") ? String(output[..<output.lastIndex(of: "/")!]) : "."
        return stat(input, &info) == 0 && stat(directory.isEmpty ? "/" : directory, &info) == 0
    }

    struct Attempt {
        var name: String
        var failure: ExtensionFailure
    }

    /// Every candidate declined or failed.
    struct NotDelegated: Error {
        var attempts: [Attempt]
        /// What a declining extension said about the engine choice, to show the user.
        var decision: String?
    }

    /// Probes every candidate, lets the highest-priority acceptor convert into a temporary
    /// file, validates it and moves it into place.
    private static func delegate(
        _ request: ConvertRequest, outputPath: String, format: OutputFormat, inputFormat: String,
        candidates: [DiscoveredExtension], options: DelegationOptions, claimed: Bool = false, environment: [String: String],
        logger: Logger
    ) -> Result<ConversionResult, NotDelegated> {
        var attempts: [Attempt] = []
        var sessions: [ExtensionSession] = []
        let health = HealthStore(environment: environment)
        defer {
            sessions.forEach { $0.shutdown() }
            for attempt in attempts { health.recordFailure(attempt.name, attempt.failure) }
            health.save()
        }
        var acceptors: [(session: ExtensionSession, priority: Int, estimatedSeconds: Double?)] = []
        var decision: String?
        let input = FileRef(path: request.inputPath, format: inputFormat, size: options.direct || Converter.fileSize(request.inputPath) > 0 ? Converter.fileSize(request.inputPath) : nil)
        for candidate in candidates {
            let name = candidate.manifest.name
            if let until = health.coolingDown(name) {
                attempts.append(Attempt(name: name, failure: .coolingDown(until: Self.clock(until), lastError: health.health(name).lastError ?? "unknown")))
                continue
            }
            let handshakeStarted = monotonicSeconds()
            switch ExtensionSession.start(candidate, environment: environment, onLog: { line in logger.debug("[\(name)] \(line)") }) {
            case .failure(let failure):
                attempts.append(Attempt(name: name, failure: failure))
            case .success(let session):
                session.handshakeMilliseconds = (monotonicSeconds() - handshakeStarted) * 1000
                sessions.append(session)
                // A claimant keeps its pre-1.2 handling; any other extension was chosen for a
                // Delta output only because its manifest lists 1.2.
                if format == .delta && !options.direct && !claimed && session.protocolVersion < .v1_2 {
                    attempts.append(Attempt(name: name, failure: .declined("it negotiated protocol \(session.protocolVersion), which has no Delta outputs (1.2 has)")))
                    continue
                }
                let sent = sentOptions(options, format: format, request: request, session: session)?.json
                switch session.probe(ProbeParams(input: input, output: FileRef(path: outputPath, format: format.rawValue), options: sent)) {
                case .failure(let failure): attempts.append(Attempt(name: name, failure: failure))
                case .success(let probe) where !probe.accept:
                    attempts.append(Attempt(name: name, failure: .declined(probe.reason)))
                    if session.protocolVersion >= .v1_1 { decision = decision ?? probe.decision }
                case .success(let probe): acceptors.append((session, probe.priority ?? 0, probe.estimatedSeconds))
                }
            }
        }
        for (session, _, estimatedSeconds) in acceptors.sorted(by: { $0.priority > $1.priority }) {
            // Direct mode: the output is a path only the extension reaches; it writes the
            // destination itself, all or nothing, and the host cannot check it. A Delta table
            // (1.2) is written in place too, since its log commits atomically; the host notes
            // its version first, checks the versions added and undoes them if they are bad.
            // Otherwise the session stages a temporary file and gives it back only once the
            // extension is dead (`stop()`): one the host gave up on may still be writing to it.
            let deltaTable = format == .delta && !options.direct && session.protocolVersion >= .v1_2
            let target: String
            var deltaBefore: Int64?
            do throws(ConversionError) {
                if options.direct {
                    target = outputPath
                } else if deltaTable {
                    if access(outputPath, F_OK) == 0 && request.delta.mode == .error && !request.force { throw .outputExists(path: outputPath) }
                    deltaBefore = OutputInspector.deltaVersion(outputPath)
                    target = outputPath
                } else {
                    target = try session.stageOutput(beside: outputPath, overwrite: request.force)
                }
            } catch {
                attempts.append(Attempt(name: session.name, failure: .badOutput(error.description)))
                return .failure(NotDelegated(attempts: attempts, decision: decision))
            }
            let sent = sentOptions(options, format: format, request: request, session: session)?.json
            let params = ConvertParams(input: input, output: FileRef(path: target, format: format.rawValue), options: sent, progressToken: "convert")
            switch session.convert(params, estimatedSeconds: estimatedSeconds) {
            case .failure(let failure):
                session.shutdown()
                // It may have committed before it failed: no version of a failed write stays.
                if deltaTable, let added = try? OutputInspector.deltaAddition(outputPath, before: deltaBefore), added.latest != deltaBefore {
                    OutputInspector.undoDelta(outputPath, added)
                }
                attempts.append(Attempt(name: session.name, failure: failure))
            case .success(let converted):
                // `metadata` is read from 1.1 on; a 1.0 extension's is ignored, as 1.0 says.
                let metadata = session.protocolVersion >= .v1_1 ? converted.metadata.map(DelegationOptions.details) : nil
                var columns = metadata?.columns ?? []
                // Checked and moved only once nothing of the extension can change it any more.
                // Interrupted meanwhile (Ctrl-C): the process exits; nothing is committed.
                InterruptCleanup.holdIfInterrupted()
                let output = session.stop()
                if let output {
                    switch OutputValidation.check(output.temporaryPath, format: format, rows: converted.rows, declaredColumns: metadata?.columns) {
                    case .failure(let refusal):
                        output.discard()
                        attempts.append(Attempt(name: session.name, failure: .badOutput(refusal.reason)))
                        continue
                    case .success(let found): columns = found
                    }
                    do { try output.commit() } catch {
                        attempts.append(Attempt(name: session.name, failure: .badOutput(error.description)))
                        continue
                    }
                } else if deltaTable {
                    let (added, verdict) = OutputValidation.checkDelta(outputPath, before: deltaBefore, rows: converted.rows, declaredColumns: metadata?.columns)
                    switch verdict {
                    case .failure(let refusal):
                        if let added, added.latest != deltaBefore { OutputInspector.undoDelta(outputPath, added) }
                        attempts.append(Attempt(name: session.name, failure: .badOutput(refusal.reason)))
                        continue
                    case .success(let found): columns = found
                    }
                }
                health.recordSuccess(session.name, handshakeMilliseconds: session.handshakeMilliseconds)
                return .success(ConversionResult(
                    input: request.inputPath, output: outputPath, inputFormat: inputFormat, format: format.rawValue,
                    rows: converted.rows, columns: columns, bytesIn: input.size ?? 0,
                    bytesOut: Converter.fileSize(outputPath), seconds: 0, engine: session.name, warnings: converted.warnings,
                    details: metadata?.details ?? [:]))
            }
        }
        return .failure(NotDelegated(attempts: attempts, decision: decision))
    }

    static func clock(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format2(parts.tm_hour)) + ":" + format2(parts.tm_min)
    }

    private static func format2(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// What a session is sent as `options` (§4.4): nothing under 1.0; from 1.1 the engine,
    /// `force` and `direct` (and `table`, `mode` for `--table`); from 1.2, for a Delta output
    /// written in place, the write `mode`. A Delta table at a claimed path (direct, from 1.1)
    /// gets `mode`, `partitionBy` and `mergeSchema`: its claimant writes it, nobody else can.
    static func sentOptions(_ options: DelegationOptions, format: OutputFormat, request: ConvertRequest, session: ExtensionSession) -> DelegationOptions? {
        guard session.protocolVersion >= .v1_1 else { return nil }
        var sent = options
        guard format == .delta, options.table == nil, options.direct || session.protocolVersion >= .v1_2 else { return sent }
        sent.mode = request.force && request.delta.mode == .error ? DeltaWriteMode.overwrite.rawValue : request.delta.mode.rawValue
        if options.direct {
            sent.partitionBy = request.delta.partitionBy
            sent.mergeSchema = request.delta.mergeSchema
        }
        return sent
    }
}
