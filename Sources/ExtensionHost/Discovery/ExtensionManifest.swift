#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ExtensionProtocol

/// `pyforge-extension.json`: what an extension is and what it converts, read without
/// starting it.
public struct ExtensionManifest: Sendable, Hashable, Codable {
    public static let fileName = "pyforge-extension.json"

    public struct Timeouts: Sendable, Hashable, Codable {
        /// Seconds to answer `initialize`.
        public var startup: Double?
        public var probe: Double?
        /// Seconds without a message (progress resets it) before a conversion is abandoned.
        public var idle: Double?
        /// Hard cap on a conversion, in seconds.
        public var absolute: Double?
    }

    public var name: String
    public var version: String
    public var description: String?
    /// Relative to the extension's directory; must stay inside it.
    public var executable: String
    public var protocolVersions: [ProtocolVersion]
    public var inputFormats: [String]
    public var outputFormats: [String]
    public var timeouts: Timeouts?
    /// Hex SHA-256 of the executable; when present it must match.
    public var sha256: String?
    /// Engine names `--engine` accepts for this extension besides its own name (1.1),
    /// e.g. `spark`.
    public var engines: [String]?
    /// Path prefixes this extension claims (1.1), e.g. `/Volumes/`: such inputs and outputs
    /// go to it whatever the engine, since the core may not reach them.
    public var pathPrefixes: [String]?

    /// True when `path` starts with one of the prefixes this extension claims.
    public func claims(_ path: String) -> Bool {
        (pathPrefixes ?? []).contains { !$0.isEmpty && path.hasPrefix($0) }
    }

    /// Why a manifest is unusable, or nil.
    var problem: String? {
        if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
            return "the name '\(name)' must be letters, digits, '-', '_' or '.'"
        }
        if executable.isEmpty { return "no executable is named" }
        if executable.hasPrefix("/") { return "the executable '\(executable)' must be a path relative to the extension's directory" }
        if protocolVersions.isEmpty { return "no protocol version is listed" }
        if inputFormats.isEmpty || outputFormats.isEmpty { return "input and output formats must be listed" }
        if let t = timeouts, [t.startup, t.probe, t.idle, t.absolute].contains(where: { ($0 ?? 1) <= 0 }) {
            return "timeouts must be positive numbers of seconds"
        }
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) { return "sha256 must be 64 hex digits" }
        return nil
    }

    static func decode(_ data: Data) throws -> ExtensionManifest {
        try JSONDecoder().decode(ExtensionManifest.self, from: data)
    }
}
