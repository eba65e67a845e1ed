#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

import Platform

/// The two filesystem questions environment detection asks, as closures so tests can answer them.
///
/// Paths are absolute as seen on Databricks (`/databricks/DBR_VERSION`, `/Volumes`); a probe
/// may map them under another root.
public struct FileProbe: Sendable {
    /// Returns the contents of a small text file, or nil when it cannot be read.
    public var readSmallFile: @Sendable (_ path: String) -> String?
    /// Whether the directory at the path is a mount point (for a test root: whether it exists).
    public var isMountPoint: @Sendable (_ path: String) -> Bool
    /// How the probe describes a path in signals, for example `/Volumes` or `/tmp/root/Volumes`.
    public var displayPath: @Sendable (_ path: String) -> String

    /// Creates a probe from closures.
    public init(
        readSmallFile: @escaping @Sendable (String) -> String?,
        isMountPoint: @escaping @Sendable (String) -> Bool,
        displayPath: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.readSmallFile = readSmallFile
        self.isMountPoint = isMountPoint
        self.displayPath = displayPath
    }

    /// The real filesystem, or the test root named by `PYFORGE_DATABRICKS_ROOT` (tests only).
    public static var system: FileProbe {
        if let root = ProcessInfo.processInfo.environment["PYFORGE_DATABRICKS_ROOT"], !root.isEmpty {
            return rooted(at: root)
        }
        return FileProbe(readSmallFile: readFile, isMountPoint: SystemMounts.isMountPoint)
    }

    /// A directory standing in for `/`, for tests: `$root/databricks/DBR_VERSION` and `$root/Volumes`.
    ///
    /// A test root cannot hold real mounts, so an existing directory counts as mounted.
    public static func rooted(at root: String) -> FileProbe {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return FileProbe(
            readSmallFile: { readFile(base + $0) },
            isMountPoint: { directoryExists(base + $0) },
            displayPath: { base + $0 }
        )
    }

    /// Reads at most 4 KiB: the files probed hold one line, and detection must stay fast.
    static func readFile(_ path: String) -> String? {
        guard let bytes = LocalFiles.readPrefix(path, upTo: 4096) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Mount-point checks on the real filesystem.
enum SystemMounts {
    /// A path is a mount point when its device differs from its parent's, or when
    /// `/proc/self/mountinfo` lists it (a bind mount of the same device).
    static func isMountPoint(_ path: String) -> Bool {
        var own = stat()
        var parent = stat()
        guard stat(path, &own) == 0, (own.st_mode & S_IFMT) == S_IFDIR else { return false }
        if stat(path + "/..", &parent) == 0, own.st_dev != parent.st_dev { return true }
        return mountInfoLists(path)
    }

    static func mountInfoLists(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo") else { return false }
        // Field 5 of each line is the mount point.
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5)
            if fields.count > 4, fields[4] == path { return true }
        }
        return false
    }
}
