import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Pipeline

/// An extension found on the search path, after its manifest and trust checks passed.
public struct DiscoveredExtension: Sendable, Hashable, Codable {
    public var manifest: ExtensionManifest
    public var directory: String
    /// The executable's resolved path, inside `directory`.
    public var executable: String
}

/// What discovery saw: usable extensions, ones hidden by an earlier one of the same name,
/// and ones refused (with the reason).
public struct DiscoveryReport: Sendable, Codable {
    public struct Refused: Sendable, Hashable, Codable {
        public var directory: String
        public var reason: String
    }

    public struct Shadowed: Sendable, Hashable, Codable {
        public var name: String
        public var directory: String
        public var shadowedBy: String
    }

    public var searchPath: [String] = []
    public var found: [DiscoveredExtension] = []
    public var shadowed: [Shadowed] = []
    public var invalid: [Refused] = []
    public var insecure: [Refused] = []
}

/// Finds extensions by reading manifests only (no process is started). Each search-path
/// entry is a directory holding one sub-directory per extension; the first extension of a
/// name wins. The current directory is never searched.
public enum ExtensionDiscovery {
    /// `PYFORGE_EXTENSIONS_PATH` (colon-separated), the user's data directory (XDG), the
    /// system directories, then `share/pyforge/extensions` beside the installed binary.
    public static func searchPath(environment: [String: String], executablePath: String?) -> [String] {
        var path: [String] = []
        if let custom = environment["PYFORGE_EXTENSIONS_PATH"] {
            path += custom.split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            path.append(data + "/pyforge/extensions")
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            path.append(home + "/.local/share/pyforge/extensions")
        }
        path += ["/usr/local/share/pyforge/extensions", "/usr/share/pyforge/extensions"]
        if let executablePath, executablePath.hasPrefix("/"), let slash = executablePath.lastIndex(of: "/") {
            let prefix = String(executablePath[..<slash])
            path.append(prefix + "/../share/pyforge/extensions")
            path.append(prefix + "/pyforge-extensions")
        }
        var seen = Set<String>()
        return path.filter { seen.insert($0).inserted }
    }

    /// The running binary's absolute path (never relative: the current directory is not searched).
    public static var currentExecutable: String? {
        #if os(Linux)
        return realPath("/proc/self/exe")
        #else
        return CommandLine.arguments.first.flatMap { $0.hasPrefix("/") ? $0 : nil }
        #endif
    }

    public static func discover(searchPath: [String]) -> DiscoveryReport {
        var report = DiscoveryReport(searchPath: searchPath)
        var byName: [String: String] = [:]
        for root in searchPath {
            for name in entries(root).sorted() {
                let directory = root + "/" + name
                guard isDirectory(directory) else { continue }
                switch inspect(directory) {
                case .invalid(let reason):
                    report.invalid.append(.init(directory: directory, reason: reason))
                case .insecure(let reason):
                    report.insecure.append(.init(directory: directory, reason: reason))
                case .usable(let found):
                    if let first = byName[found.manifest.name] {
                        report.shadowed.append(.init(name: found.manifest.name, directory: directory, shadowedBy: first))
                    } else {
                        byName[found.manifest.name] = directory
                        report.found.append(found)
                    }
                }
            }
        }
        return report
    }

    enum Verdict {
        case usable(DiscoveredExtension)
        case invalid(String)
        case insecure(String)
    }

    static func inspect(_ directory: String) -> Verdict {
        let manifestPath = directory + "/" + ExtensionManifest.fileName
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            return .invalid("it has no readable \(ExtensionManifest.fileName)")
        }
        let manifest: ExtensionManifest
        do {
            manifest = try ExtensionManifest.decode(data)
        } catch {
            return .invalid("\(ExtensionManifest.fileName) is not a valid manifest (\(describe(error)))")
        }
        if let problem = manifest.problem { return .invalid(problem) }
        if let reason = unsafeOwnership(directory, what: "its directory") { return .insecure(reason) }
        guard let resolvedDirectory = realPath(directory), let executable = realPath(directory + "/" + manifest.executable) else {
            return .invalid("the executable '\(manifest.executable)' does not exist")
        }
        guard executable.hasPrefix(resolvedDirectory + "/") else {
            return .insecure("the executable '\(manifest.executable)' resolves to '\(executable)', outside the extension's directory")
        }
        guard access(executable, X_OK) == 0, !isDirectory(executable) else {
            return .invalid("'\(manifest.executable)' is not an executable file (chmod +x it)")
        }
        if let reason = unsafeOwnership(executable, what: "its executable") { return .insecure(reason) }
        if let expected = manifest.sha256?.lowercased() {
            guard let actual = sha256(ofFile: executable) else { return .invalid("its executable cannot be read") }
            if actual != expected {
                return .insecure("its executable's SHA-256 is \(actual), not the \(expected) its manifest names")
            }
        }
        return .usable(DiscoveredExtension(manifest: manifest, directory: directory, executable: executable))
    }

    /// OpenSSH StrictModes: writable by others, writable by a group other than the owner's
    /// private group (see `PrivateGroup`), or owned by someone other than root or the current
    /// user, means someone else could replace the code we run.
    static func unsafeOwnership(_ path: String, what: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(what) cannot be examined" }
        if info.st_mode & S_IWOTH != 0 {
            return "\(what) '\(path)' is writable by everyone (chmod go-w it)"
        }
        if info.st_mode & S_IWGRP != 0 && !PrivateGroup.isPrivate(gid: info.st_gid, ofOwner: info.st_uid) {
            return "\(what) '\(path)' is writable by its group, which has members besides its owner (chmod g-w it)"
        }
        if info.st_uid != 0 && info.st_uid != getuid() {
            return "\(what) '\(path)' belongs to another user (uid \(info.st_uid))"
        }
        return nil
    }

    static func sha256(ofFile path: String) -> String? {
        SHA256.hexDigest(ofFile: path)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func entries(_ path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
