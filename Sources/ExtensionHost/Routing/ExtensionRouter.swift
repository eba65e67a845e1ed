import Platform
import ExtensionProtocol
import Logging
import Pipeline
import FormatKit
import Delta

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

/// Delegates a conversion to the extensions that may convert it: starts their sessions,
/// probes them, lets the acceptor convert, validates and moves its output into place. Whether
/// an extension or the built-in engine converts (and the fallback when every extension
/// declines or fails) is the front door's choice (the Conversion target's EngineRouting).
public enum ExtensionRouter {
    /// `--table NAME --engine spark`: the engine's extension writes a catalog table; there is
    /// no file, so nothing to validate or move, and no built-in fallback.
    public static func convertToTable(
        _ request: ConvertRequest, table: String, inputFormat: String, inputSize: Int64, selection: CandidateSelection,
        environment: [String: String], logger: Logger, started: Double
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
        switch delegate(
            request, outputPath: table, format: format, inputFormat: inputFormat, inputSize: inputSize, candidates: [provider], options: options,
            environment: environment, logger: logger)
        {
        case .success(var result):
            result.seconds = monotonicSeconds() - started
            return result
        case .failure(let notDelegated):
            let reason = notDelegated.attempts.first.map { $0.failure.description } ?? "it did not convert"
            throw .outputFailed(path: table, reason: "extension '\(provider.manifest.name)' did not write the table: \(reason)")
        }
    }

    /// `PYFORGE_FORCE_CORE` (set for the built-in engine an extension runs): no extensions.
    public static func forcesCore(_ environment: [String: String]) -> Bool {
        environment["PYFORGE_FORCE_CORE"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
    }

    /// The extensions on the search path `environment` names.
    public static func discover(_ environment: [String: String]) -> DiscoveryReport {
        ExtensionDiscovery.discover(
            searchPath: ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable))
    }

    public struct Attempt: Sendable {
        public var name: String
        public var failure: ExtensionFailure
    }

    /// Every candidate declined or failed.
    public struct NotDelegated: Error {
        public var attempts: [Attempt]
        /// What a declining extension said about the engine choice, to show the user.
        public var decision: String?
    }

    /// Offers the conversion to `candidates` (chosen by `selection`): `delegate` with the
    /// options the selection and the request call for.
    public static func delegate(
        _ request: ConvertRequest, outputPath: String, format: OutputFormat, inputFormat: String, inputSize: Int64,
        selection: CandidateSelection, candidates: [DiscoveredExtension], environment: [String: String], logger: Logger
    ) -> Result<ConversionResult, NotDelegated> {
        let options = DelegationOptions(engine: selection.engineOption, force: request.force, direct: selection.claimedOutput)
        return delegate(
            request, outputPath: outputPath, format: format, inputFormat: inputFormat, inputSize: inputSize, candidates: candidates,
            options: options, claimed: !selection.claimants.isEmpty, environment: environment, logger: logger)
    }

    /// Probes every candidate, lets the highest-priority acceptor convert into a temporary
    /// file, validates it and moves it into place.
    private static func delegate(
        _ request: ConvertRequest, outputPath: String, format: OutputFormat, inputFormat: String, inputSize: Int64,
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
        let input = FileRef(path: request.inputPath, format: inputFormat, size: options.direct || inputSize > 0 ? inputSize : nil)
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
                    bytesOut: fileSize(outputPath), seconds: 0, engine: session.name, warnings: converted.warnings,
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
