import ExtensionProtocol
import Platform

/// `pyforge extensions status`: each extension started, handshaken and pinged.
public struct ExtensionStatus: Sendable, Codable {
    public var name: String
    public var version: String
    public var directory: String
    public var state: String
    public var protocolVersion: String?
    public var handshakeMilliseconds: Double?
    public var pingMilliseconds: Double?
    public var capabilities: JSONValue?
    public var error: String?
    public var health: ExtensionHealth

    /// Starts every found extension (cooling-down ones too: this is a diagnosis).
    public static func check(_ report: DiscoveryReport, environment: [String: String]) -> [ExtensionStatus] {
        let health = HealthStore(environment: environment)
        return report.found.map { found in
            var status = ExtensionStatus(
                name: found.manifest.name, version: found.manifest.version, directory: found.directory, state: "ok",
                health: health.health(found.manifest.name))
            if health.coolingDown(found.manifest.name) != nil { status.state = "cooling down" }
            let started = monotonicSeconds()
            switch ExtensionSession.start(found, environment: environment) {
            case .failure(let failure):
                status.state = "failed"
                status.error = failure.description
            case .success(let session):
                status.handshakeMilliseconds = (monotonicSeconds() - started) * 1000
                status.protocolVersion = session.protocolVersion.description
                status.capabilities = session.capabilities
                let pingStarted = monotonicSeconds()
                if case .failure(let failure) = session.connection.request(Method.ping, nil, phase: "ping", limits: .within(5)) {
                    status.state = "failed"
                    status.error = failure.description
                } else {
                    status.pingMilliseconds = (monotonicSeconds() - pingStarted) * 1000
                }
                session.shutdown()
            }
            return status
        }
    }
}
