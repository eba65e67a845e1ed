#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ExtensionProtocol
import Logging
import Parquet
import PyForgeCore

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
    public static func convert(
        _ request: ConvertRequest, engine: EngineChoice, environment: [String: String], progress: ProgressCounter?,
        logger: Logger
    ) throws(ConversionError) -> ConversionResult {
        let forceCore = environment["PYFORGE_FORCE_CORE"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        guard engine != .core, !(forceCore && engine == .auto) else {
            return try Converter.convert(request, progress: progress, logger: logger)
        }
        let started = monotonicNow()
        let (outputPath, format) = try Converter.resolveOutput(request)
        let inputFormat = InputFormat(path: request.inputPath)?.rawValue ?? "unknown"
        let report = ExtensionDiscovery.discover(
            searchPath: ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable))
        var candidates = report.found.filter {
            $0.manifest.inputFormats.contains(inputFormat) && $0.manifest.outputFormats.contains(format.rawValue)
        }
        if case .named(let name) = engine {
            guard let chosen = report.found.first(where: { $0.manifest.name == name }) else {
                let refused = (report.invalid + report.insecure).first { $0.directory.hasSuffix("/" + name) }
                throw .invalidOption("No usable extension named '\(name)'" + (refused.map { ": \($0.reason)" } ?? " is installed (see 'pyforge extensions list')") + ".")
            }
            candidates = [chosen]
        }
        var warnings: [String] = []
        if !candidates.isEmpty && format != .delta {
            switch delegate(request, outputPath: outputPath, format: format, inputFormat: inputFormat, candidates: candidates, environment: environment, logger: logger) {
            case .success(var result):
                result.seconds = monotonicNow() - started
                return result
            case .failure(let notDelegated):
                let failures = notDelegated.attempts
                if case .named(let name) = engine {
                    let reason = failures.first.map { $0.failure.description } ?? "it did not convert"
                    throw .outputFailed(path: outputPath, reason: "extension '\(name)' did not convert '\(request.inputPath)': \(reason)")
                }
                warnings = failures.map { "Extension '\($0.name)' was not used: \($0.failure.description); the built-in engine converted the file." }
            }
        }
        // A decline is ordinary (debug level); anything else is one warning line each.
        let (declined, failed) = (warnings.filter { $0.contains(": it declined") }, warnings.filter { !$0.contains(": it declined") })
        for line in declined { logger.debug("\(line)") }
        for line in failed { logger.warning("\(line)") }
        var result = try Converter.convert(request, progress: progress, logger: logger)
        result.warnings = failed + result.warnings
        return result
    }

    struct Attempt {
        var name: String
        var failure: ExtensionFailure
    }

    /// Every candidate declined or failed.
    struct NotDelegated: Error {
        var attempts: [Attempt]
    }

    /// Probes every candidate, lets the highest-priority acceptor convert into a temporary
    /// file, validates it and moves it into place.
    private static func delegate(
        _ request: ConvertRequest, outputPath: String, format: OutputFormat, inputFormat: String,
        candidates: [DiscoveredExtension], environment: [String: String], logger: Logger
    ) -> Result<ConversionResult, NotDelegated> {
        var attempts: [Attempt] = []
        var sessions: [ExtensionSession] = []
        defer { sessions.forEach { $0.shutdown() } }
        var acceptors: [(session: ExtensionSession, priority: Int)] = []
        let input = FileRef(path: request.inputPath, format: inputFormat, size: Converter.fileSize(request.inputPath))
        for candidate in candidates {
            let name = candidate.manifest.name
            switch ExtensionSession.start(candidate, environment: environment, onLog: { line in logger.debug("[\(name)] \(line)") }) {
            case .failure(let failure):
                attempts.append(Attempt(name: name, failure: failure))
            case .success(let session):
                sessions.append(session)
                switch session.probe(ProbeParams(input: input, output: FileRef(path: outputPath, format: format.rawValue))) {
                case .failure(let failure): attempts.append(Attempt(name: name, failure: failure))
                case .success(let probe) where !probe.accept: attempts.append(Attempt(name: name, failure: .declined(probe.reason)))
                case .success(let probe): acceptors.append((session, probe.priority ?? 0))
                }
            }
        }
        for (session, _) in acceptors.sorted(by: { $0.priority > $1.priority }) {
            let output: AtomicOutputFile
            do {
                output = try AtomicOutputFile(path: outputPath, overwrite: request.force)
            } catch {
                attempts.append(Attempt(name: session.name, failure: .badOutput(error.description)))
                return .failure(NotDelegated(attempts: attempts))
            }
            let params = ConvertParams(input: input, output: FileRef(path: output.temporaryPath, format: format.rawValue), progressToken: "convert")
            switch session.convert(params) {
            case .failure(let failure):
                output.discard()
                attempts.append(Attempt(name: session.name, failure: failure))
            case .success(let converted):
                if let problem = validate(output.temporaryPath, format: format, rows: converted.rows) {
                    output.discard()
                    attempts.append(Attempt(name: session.name, failure: .badOutput(problem)))
                    continue
                }
                do { try output.commit() } catch {
                    attempts.append(Attempt(name: session.name, failure: .badOutput(error.description)))
                    continue
                }
                return .success(ConversionResult(
                    input: request.inputPath, output: outputPath, inputFormat: inputFormat, format: format.rawValue,
                    rows: converted.rows, columns: [], bytesIn: input.size ?? 0, bytesOut: Converter.fileSize(outputPath),
                    seconds: 0, engine: session.name, warnings: converted.warnings, details: [:]))
            }
        }
        return .failure(NotDelegated(attempts: attempts))
    }

    /// Checks an extension's output before it replaces anything: a Parquet file must have
    /// a valid footer and the row count the extension reported.
    static func validate(_ path: String, format: OutputFormat, rows: Int) -> String? {
        guard Converter.fileSize(path) > 0 else { return "the output file is empty" }
        guard format == .parquet else { return nil }
        do {
            let metadata = try ParquetFooterReader.readMetadata(path: path)
            if metadata.numRows != Int64(rows) {
                return "the file holds \(metadata.numRows) rows but the extension reported \(rows)"
            }
        } catch {
            return error.description
        }
        return nil
    }
}
