import ExtensionProtocol
import PyForgeCore

/// A started, handshaken extension: `initialize` done with an agreed protocol version.
public final class ExtensionSession: @unchecked Sendable {
    public let discovered: DiscoveredExtension
    public let connection: ExtensionConnection
    public let protocolVersion: ProtocolVersion
    public let capabilities: JSONValue?
    /// How long spawn + handshake took, for `extensions status` and the health record.
    public var handshakeMilliseconds: Double?
    private let timeouts: ExtensionManifest.Timeouts

    static let defaultStartup = 5.0
    static let defaultProbe = 5.0
    static let defaultIdle = 60.0
    static let defaultAbsolute = 6 * 3600.0

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
        let process: ExtensionProcess
        do {
            process = try ExtensionProcess(executable: discovered.executable, environment: environment)
        } catch {
            return .failure(.spawnFailed(error.reason))
        }
        let connection = ExtensionConnection(process: process, onProgress: onProgress, onLog: onLog)
        let startup = discovered.manifest.timeouts?.startup ?? defaultStartup
        let params = try? JSONValue(encoding: InitializeParams(
            protocolVersions: host, host: PeerInfo(name: "pyforge", version: PyForgeVersion.current)))
        switch connection.request(Method.initialize, params, phase: "initialize", idle: startup, absolute: startup) {
        case .failure(.errorResponse(let error)) where error.code == ResponseError.invalidParams:
            connection.close(grace: 0.5)
            return .failure(.versionMismatch(ProtocolVersion.mismatchAdvice(host: host, extension: discovered.manifest.protocolVersions, extensionName: discovered.manifest.name) + " (it said: \(error.message))"))
        case .failure(let failure):
            connection.close(grace: 0.5)
            return .failure(failure)
        case .success(let value):
            guard let result = try? value.decode(InitializeResult.self) else {
                connection.close(grace: 0.5)
                return .failure(.malformedMessage("its initialize result lacks protocolVersion or extension"))
            }
            guard host.contains(result.protocolVersion) else {
                connection.close(grace: 0.5)
                return .failure(.versionMismatch(ProtocolVersion.mismatchAdvice(host: host, extension: [result.protocolVersion], extensionName: discovered.manifest.name)))
            }
            connection.notify(Method.initialized, nil)
            return .success(ExtensionSession(discovered: discovered, connection: connection, version: result.protocolVersion, capabilities: result.capabilities))
        }
    }

    public var name: String { discovered.manifest.name }

    public func probe(_ params: ProbeParams) -> Result<ProbeResult, ExtensionFailure> {
        let limit = timeouts.probe ?? Self.defaultProbe
        return call(Method.probe, params, phase: "probe", idle: limit, absolute: limit)
    }

    public func convert(_ params: ConvertParams) -> Result<ConvertResult, ExtensionFailure> {
        call(Method.convert, params, phase: "convert", idle: timeouts.idle ?? Self.defaultIdle, absolute: timeouts.absolute ?? Self.defaultAbsolute)
    }

    private func call<P: Encodable, R: Decodable>(_ method: String, _ params: P, phase: String, idle: Double, absolute: Double) -> Result<R, ExtensionFailure> {
        guard let encoded = try? JSONValue(encoding: params) else { return .failure(.malformedMessage("unencodable \(method) params")) }
        switch connection.request(method, encoded, phase: phase, idle: idle, absolute: absolute) {
        case .failure(let failure): return .failure(failure)
        case .success(let value):
            guard let result = try? value.decode(R.self) else {
                return .failure(.malformedMessage("its \(method) result does not match the protocol"))
            }
            return .success(result)
        }
    }

    /// `shutdown`, then the shutdown ladder.
    public func shutdown() {
        _ = connection.request(Method.shutdown, nil, phase: "shutdown", idle: 1, absolute: 1)
        connection.close(grace: 2)
    }
}
