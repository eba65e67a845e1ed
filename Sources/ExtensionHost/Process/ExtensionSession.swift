import ExtensionProtocol
import Pipeline
import Synchronization
import FormatKit

/// A started, handshaken extension: `initialize` done with an agreed protocol version.
public final class ExtensionSession: Sendable {
    public let discovered: DiscoveredExtension
    public let connection: ExtensionConnection
    public let protocolVersion: ProtocolVersion
    public let capabilities: JSONValue?
    /// How long spawn + handshake took, for `extensions status` and the health record.
    public var handshakeMilliseconds: Double? {
        get { handshake.withLock { $0 } }
        set { handshake.withLock { $0 = newValue } }
    }
    private let handshake = Mutex<Double?>(nil)
    private let timeouts: ExtensionManifest.Timeouts
    /// The temporary file the extension converts into (`stageOutput`), and the proof that
    /// the extension stopped (`stop`). The file leaves the session only with that proof:
    /// an extension the host gave up on may still be writing to it, or create it again.
    private let ending = Mutex<Ending>(Ending())

    private struct Ending {
        var staged: UncheckedBox<AtomicOutputFile>?
        var stopped: ExtensionStopped?
    }

    /// The shutdown ladder's wait for exit after stdin closes: a request that ended
    /// normally gets `normalGrace`; after a failure (timeout, crash, violation, a failed
    /// handshake) nothing is left to finish, so the extension gets `failedGrace` before
    /// SIGTERM (SPEC §11.3).
    static let normalGrace = 2.0
    public static let failedGrace = 0.2

    private init(discovered: DiscoveredExtension, connection: ExtensionConnection, version: ProtocolVersion, capabilities: JSONValue?) {
        self.discovered = discovered
        self.connection = connection
        protocolVersion = version
        self.capabilities = capabilities
        timeouts = discovered.manifest.timeouts ?? ExtensionManifest.Timeouts()
    }

    /// Spawns the extension and performs the handshake.
    public static func start(
        _ discovered: DiscoveredExtension, environment: [String: String],
        onProgress: @escaping @Sendable (ProgressParams) -> Void = { _ in },
        onLog: @escaping @Sendable (String) -> Void = { _ in }
    ) -> Result<ExtensionSession, ExtensionFailure> {
        let host = ProtocolVersion.supported
        guard ProtocolVersion.negotiate(host, discovered.manifest.protocolVersions) != nil else {
            return .failure(.versionMismatch(ProtocolVersion.mismatchAdvice(host: host, extension: discovered.manifest.protocolVersions, extensionName: discovered.manifest.name)))
        }
        // Every extension may run the built-in engine through the host's binary (1.1).
        var environment = environment
        environment["PYFORGE_HOST_BIN"] = ExtensionDiscovery.currentExecutable ?? environment["PYFORGE_HOST_BIN"]
        // A pyforge started from inside an extension never delegates again (SPEC §15.4): an
        // extension running the built-in engine on a path it claims would otherwise be handed
        // the same conversion, and so on, one process pair per level.
        environment["PYFORGE_FORCE_CORE"] = "true"
        let process: ExtensionProcess
        do {
            process = try ExtensionProcess(executable: discovered.executable, environment: environment)
        } catch {
            return .failure(.spawnFailed(error.reason))
        }
        let connection = ExtensionConnection(process: process, name: discovered.manifest.name, onProgress: onProgress, onLog: onLog)
        let startup = discovered.manifest.timeouts?.startup ?? RequestLimits.defaultStartup
        let params = try? JSONValue(encoding: InitializeParams(
            protocolVersions: host, host: PeerInfo(name: "pyforge", version: PyForgeVersion.current)))
        switch connection.request(Method.initialize, params, phase: "initialize", limits: .within(startup)) {
        case .failure(.errorResponse(let error)) where error.code == ResponseError.invalidParams:
            connection.close(grace: failedGrace)
            // The manifest shares a version with the host (checked above), so the extension
            // contradicts its own manifest: that is what the user must fix.
            return .failure(.versionMismatch(ProtocolVersion.refusalAdvice(
                host: host, manifest: discovered.manifest.protocolVersions, extensionName: discovered.manifest.name,
                said: ExtensionFailure.clause(error.message))))
        case .failure(let failure):
            connection.close(grace: failedGrace)
            return .failure(failure)
        case .success(let value):
            guard let result = try? value.decode(InitializeResult.self) else {
                connection.close(grace: failedGrace)
                return .failure(.malformedMessage("its initialize result lacks protocolVersion or extension"))
            }
            guard host.contains(result.protocolVersion) else {
                connection.close(grace: failedGrace)
                return .failure(.versionMismatch(ProtocolVersion.mismatchAdvice(host: host, extension: [result.protocolVersion], extensionName: discovered.manifest.name)))
            }
            connection.notify(Method.initialized, nil)
            return .success(ExtensionSession(discovered: discovered, connection: connection, version: result.protocolVersion, capabilities: result.capabilities))
        }
    }

    public var name: String { discovered.manifest.name }

    public func probe(_ params: ProbeParams) -> Result<ProbeResult, ExtensionFailure> {
        let limit = timeouts.probe ?? RequestLimits.defaultProbe
        var limits = RequestLimits.within(limit)
        limits.cancelGrace = RequestLimits.defaultCancelGrace
        return call(Method.probe, params, phase: "probe", limits: limits)
    }

    /// `estimatedSeconds` is what the extension's probe said the conversion takes.
    public func convert(_ params: ConvertParams, estimatedSeconds: Double? = nil) -> Result<ConvertResult, ExtensionFailure> {
        let limits = RequestLimits.convert(manifest: discovered.manifest.timeouts, inputBytes: params.input.size, estimatedSeconds: estimatedSeconds)
        return call(Method.convert, params, phase: "convert", limits: limits)
    }

    private func call<P: Encodable, R: Decodable>(_ method: String, _ params: P, phase: String, limits: RequestLimits) -> Result<R, ExtensionFailure> {
        guard let encoded = try? JSONValue(encoding: params) else { return .failure(.malformedMessage("unencodable \(method) params")) }
        switch connection.request(method, encoded, phase: phase, limits: limits) {
        case .failure(let failure): return .failure(failure)
        case .success(let value):
            guard let result = try? value.decode(R.self) else {
                return .failure(.malformedMessage("its \(method) result does not match the protocol"))
            }
            return .success(result)
        }
    }

    /// Creates the temporary file beside `destination` that the extension is to convert
    /// into, and returns its path. The session keeps the file: only `stop()` hands it back.
    public func stageOutput(beside destination: String, overwrite: Bool) throws(ConversionError) -> String {
        let file = try AtomicOutputFile(path: destination, overwrite: overwrite)
        ending.withLock { ending in
            precondition(ending.staged == nil && ending.stopped == nil, "one staged output per session, before it stops")
            ending.staged = UncheckedBox(file)
        }
        return file.temporaryPath
    }

    /// `shutdown`, then the shutdown ladder, which returns once the extension's whole
    /// process group is dead; then hands back the staged output (once), which nothing
    /// writes to any more. Calling it again does not repeat the ladder; a second caller
    /// waits for the first.
    @discardableResult
    public func stop() -> StoppedOutput? {
        let staged = ending.withLock { ending -> (UncheckedBox<AtomicOutputFile>, ExtensionStopped)? in
            let stopped = ending.stopped ?? ladder()
            ending.stopped = stopped
            defer { ending.staged = nil }
            return ending.staged.map { ($0, stopped) }
        }
        return staged.map { StoppedOutput($0.value, after: $1) }
    }

    /// An extension that timed out, crashed or broke the protocol gets no `shutdown`
    /// request (it would not answer it either) and a short grace.
    private func ladder() -> ExtensionStopped {
        if connection.isUnresponsive { return connection.close(grace: Self.failedGrace) }
        _ = connection.request(Method.shutdown, nil, phase: "shutdown", limits: .within(1))
        return connection.close(grace: Self.normalGrace)
    }

    /// Stops the extension, then removes the staged output it did not deliver.
    public func shutdown() {
        stop()?.discard()
    }

    deinit {
        // A session dropped without `stop()` still removes its staged output only after the ladder.
        if ending.withLock({ $0.staged != nil }) { shutdown() }
    }
}

/// Carries the staged `AtomicOutputFile` (a class with mutable state, deliberately not
/// `Sendable`) through the session's `Mutex`: it is only touched under that lock and leaves
/// the session once, after the extension stopped, to the one caller of `stop()`. The compiler
/// cannot see that hand-over (a value moved out of a `Mutex`), so this box is checked by hand.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
