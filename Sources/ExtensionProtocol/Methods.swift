/// The pyforge extension protocol's methods and their bodies (protocol/SPEC.md).
public enum Method {
    public static let initialize = "initialize"
    public static let initialized = "initialized"
    public static let shutdown = "shutdown"
    public static let ping = "ping"
    public static let probe = "probe"
    public static let convert = "convert"
    public static let progress = "$/progress"
    public static let cancelRequest = "$/cancelRequest"
}

/// Protocol versions are "MAJOR.MINOR"; peers agree on the highest version both list.
public struct ProtocolVersion: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    /// 1.0: the handshake, `ping`, `probe`, `convert`, `shutdown`, progress and cancellation.
    public static let v1_0 = ProtocolVersion(major: 1, minor: 0)
    /// 1.1 adds `options` in probe/convert, the convert result's `metadata` and the probe
    /// result's `decision` (read by the host), the manifest's `engines` and `pathPrefixes`,
    /// and extension-defined requests (SPEC §15).
    public static let v1_1 = ProtocolVersion(major: 1, minor: 1)
    /// 1.2 adds Delta outputs (`output.format` `delta`, `options.mode`) and defines the
    /// output checks and the behaviours 1.0 left open (SPEC §16).
    public static let v1_2 = ProtocolVersion(major: 1, minor: 2)
    public static let current = v1_2
    public static let supported: [ProtocolVersion] = [v1_0, v1_1, v1_2]

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = ProtocolVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not MAJOR.MINOR"))
        }
        self = version
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: ProtocolVersion, b: ProtocolVersion) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }

    /// The highest version in both lists, or nil.
    public static func negotiate(_ ours: [ProtocolVersion], _ theirs: [ProtocolVersion]) -> ProtocolVersion? {
        Set(ours).intersection(theirs).max()
    }

    /// Says which side to upgrade, to what, when two lists share no version. One clause
    /// without a final period: it is quoted inside longer sentences ("…: ADVICE; the
    /// built-in engine converted the file.").
    public static func mismatchAdvice(host: [ProtocolVersion], extension other: [ProtocolVersion], extensionName: String) -> String {
        let hostList = host.map(\.description).joined(separator: ", ")
        let theirList = other.map(\.description).joined(separator: ", ")
        let hostMax = host.max().map(\.description) ?? "none"
        if let theirs = other.max(), let ours = host.max(), theirs > ours {
            return "Extension '\(extensionName)' speaks protocol \(theirList) but this pyforge speaks only \(hostList): upgrade pyforge to a version that supports protocol \(theirs)"
        }
        return "Extension '\(extensionName)' speaks protocol \(theirList) but this pyforge speaks \(hostList): upgrade the extension to one built for protocol \(hostMax)"
    }

    /// The advice when an extension refused every version the host offered although its
    /// manifest lists one they share: the extension contradicts its own manifest.
    public static func refusalAdvice(host: [ProtocolVersion], manifest: [ProtocolVersion], extensionName: String, said: String) -> String {
        let shared = Set(host).intersection(manifest).sorted().map(\.description).joined(separator: ", ")
        return "Extension '\(extensionName)' refused protocol \(host.map(\.description).joined(separator: ", ")) (it said: \(said)) although its manifest lists \(shared): make its initialize answer agree with its manifest's protocolVersions"
    }
}

public struct PeerInfo: Sendable, Hashable, Codable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

public struct InitializeParams: Sendable, Hashable, Codable {
    public var protocolVersions: [ProtocolVersion]
    public var host: PeerInfo
    public var capabilities: JSONValue?

    public init(protocolVersions: [ProtocolVersion], host: PeerInfo, capabilities: JSONValue? = nil) {
        self.protocolVersions = protocolVersions
        self.host = host
        self.capabilities = capabilities
    }
}

public struct InitializeResult: Sendable, Hashable, Codable {
    public var protocolVersion: ProtocolVersion
    public var `extension`: PeerInfo
    public var capabilities: JSONValue?

    public init(protocolVersion: ProtocolVersion, extension info: PeerInfo, capabilities: JSONValue? = nil) {
        self.protocolVersion = protocolVersion
        self.extension = info
        self.capabilities = capabilities
    }
}

public struct FileRef: Sendable, Hashable, Codable {
    public var path: String
    public var format: String
    public var size: Int64?

    public init(path: String, format: String, size: Int64? = nil) {
        self.path = path
        self.format = format
        self.size = size
    }
}

public struct ProbeParams: Sendable, Hashable, Codable {
    public var input: FileRef
    public var output: FileRef
    public var options: JSONValue?
    public var environment: JSONValue?

    public init(input: FileRef, output: FileRef, options: JSONValue? = nil, environment: JSONValue? = nil) {
        self.input = input
        self.output = output
        self.options = options
        self.environment = environment
    }
}

/// Declining is a result, not an error.
public struct ProbeResult: Sendable, Hashable, Codable {
    public var accept: Bool
    public var reason: String?
    public var priority: Int?
    public var estimatedSeconds: Double?
    /// 1.1: one sentence on the engine choice for the user ("Using the core engine (…)"),
    /// shown whether the extension accepts or declines.
    public var decision: String?

    public init(accept: Bool, reason: String? = nil, priority: Int? = nil, estimatedSeconds: Double? = nil, decision: String? = nil) {
        self.accept = accept
        self.reason = reason
        self.priority = priority
        self.estimatedSeconds = estimatedSeconds
        self.decision = decision
    }
}

public struct ConvertParams: Sendable, Hashable, Codable {
    public var input: FileRef
    /// A temporary path chosen by the host; it validates and renames the file.
    public var output: FileRef
    public var options: JSONValue?
    public var progressToken: String?

    public init(input: FileRef, output: FileRef, options: JSONValue? = nil, progressToken: String? = nil) {
        self.input = input
        self.output = output
        self.options = options
        self.progressToken = progressToken
    }
}

public struct ConvertResult: Sendable, Hashable, Codable {
    public var rows: Int
    public var engine: String
    public var warnings: [String]
    public var metadata: JSONValue?

    public init(rows: Int, engine: String, warnings: [String] = [], metadata: JSONValue? = nil) {
        self.rows = rows
        self.engine = engine
        self.warnings = warnings
        self.metadata = metadata
    }
}

public struct ProgressParams: Sendable, Hashable, Codable {
    public var token: String
    public var done: Double
    public var total: Double?
    public var message: String?

    public init(token: String, done: Double, total: Double? = nil, message: String? = nil) {
        self.token = token
        self.done = done
        self.total = total
        self.message = message
    }
}

public struct CancelParams: Sendable, Hashable, Codable {
    public var id: RequestID

    public init(id: RequestID) { self.id = id }
}
