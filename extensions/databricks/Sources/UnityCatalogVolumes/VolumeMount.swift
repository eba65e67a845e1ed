#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform

/// Unity Catalog Volumes as mounted on Databricks compute (a FUSE mount at `/Volumes`).
///
/// Reads go straight to ``localPath(_:)``. Writes go through ``install(localFile:at:overwrite:)``,
/// because volumes take only sequential writes and a reader must never see a partial file.
public struct VolumeMount: Sendable {
    /// The directory the volumes are mounted at, normally `/Volumes`.
    public var root: String

    /// Uses `root`, else the environment variable `PYFORGE_VOLUMES_ROOT`, else `/Volumes`.
    ///
    /// `PYFORGE_VOLUMES_ROOT` exists for tests only: a plain directory standing in for the mount.
    public init(root: String? = nil) {
        let chosen = root ?? ProcessInfo.processInfo.environment["PYFORGE_VOLUMES_ROOT"].flatMap { $0.isEmpty ? nil : $0 }
        var normalised = chosen ?? "/Volumes"
        while normalised.count > 1 && normalised.hasSuffix("/") { normalised.removeLast() }
        self.root = normalised
    }

    /// Where `path` is on the local filesystem, for example `/Volumes/main/sales/raw/orders.csv`.
    public func localPath(_ path: VolumePath) -> String {
        ([root, path.catalog, path.schema, path.volume] + path.components).joined(separator: "/")
    }

    /// Copies a finished local file into the volume in one sequential pass (volumes do not
    /// support random writes) under the core's temporary name `.<name>.pyforge-<writer>-XXXXXX`
    /// in the destination directory, fsyncs, then renames it into place.
    ///
    /// With `overwrite` the rename replaces any existing file; without it the file is put in
    /// place with link(2) and the temporary name unlinked, so a file that appeared meanwhile is
    /// never replaced. Missing directories inside the volume are created. On any failure the
    /// temporary file is removed: never a partial file in the volume.
    public func install(localFile: String, at destination: VolumePath, overwrite: Bool) throws(VolumeError) {
        try install(localFile: localFile, at: destination, overwrite: overwrite, afterChunk: { _ throws(VolumeError) in })
    }

    /// ``install(localFile:at:overwrite:)`` with a hook called after each chunk is written, so
    /// tests can fail a copy midway.
    func install(
        localFile: String, at destination: VolumePath, overwrite: Bool,
        afterChunk: (_ bytesCopied: Int64) throws(VolumeError) -> Void
    ) throws(VolumeError) {
        guard let name = destination.lastComponent, let parent = destination.parent else {
            throw .fileSystem(path: destination.path, operation: "write a file at", reason: "it is the volume root, a directory")
        }
        let volumeDirectory = localPath(destination.volumeRoot)
        guard directoryExists(volumeDirectory) else {
            throw .volumeNotMounted(path: destination.path, mountRoot: root)
        }
        let source = try POSIXFile.openForReading(localFile)
        defer { _ = close(source) }
        _ = try POSIXFile.regularFileSize(source, path: localFile)

        let directory = localPath(parent)
        try POSIXFile.createDirectories(directory)
        let target = localPath(destination)
        if !overwrite, POSIXFile.exists(target) { throw .destinationExists(path: destination.path) }

        let temporary = try POSIXFile.makeTemporaryFile(in: directory, for: name)
        var temporaryOpen = true
        do {
            try copy(from: source, sourcePath: localFile, to: temporary.fd, targetPath: destination.path, afterChunk: afterChunk)
            try POSIXFile.sync(temporary.fd, path: destination.path)
            temporaryOpen = false
            try POSIXFile.closeReportingErrors(temporary.fd, path: destination.path)
            try moveIntoPlace(temporary.path, target, displayPath: destination.path, overwrite: overwrite)
        } catch {
            if temporaryOpen { _ = close(temporary.fd) }
            _ = unlink(temporary.path)
            throw error
        }
        POSIXFile.syncDirectory(directory)
    }

    /// One sequential pass in 1 MiB chunks.
    func copy(
        from source: Int32, sourcePath: String, to target: Int32, targetPath: String,
        afterChunk: (Int64) throws(VolumeError) -> Void
    ) throws(VolumeError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var copied: Int64 = 0
        while true {
            let count = try POSIXFile.readChunk(source, into: buffer, path: sourcePath)
            if count == 0 { return }
            try POSIXFile.writeAll(target, UnsafeRawBufferPointer(rebasing: buffer[0..<count]), path: targetPath)
            copied += Int64(count)
            try afterChunk(copied)
        }
    }

    private func moveIntoPlace(_ temporary: String, _ target: String, displayPath: String, overwrite: Bool) throws(VolumeError) {
        if overwrite {
            guard rename(temporary, target) == 0 else { throw POSIXFile.failure(displayPath, "rename the finished file into") }
            return
        }
        // link(2) fails with EEXIST instead of replacing a file that appeared during the copy.
        if link(temporary, target) == 0 {
            _ = unlink(temporary)
            return
        }
        let code = errno
        if code == EEXIST { throw .destinationExists(path: displayPath) }
        guard [EPERM, ENOTSUP, EOPNOTSUPP, ENOSYS, EMLINK].contains(code) else {
            throw POSIXFile.failure(displayPath, "link the finished file into", code)
        }
        // Filesystems without hard links: check, then rename. The window is small, not closed.
        if POSIXFile.exists(target) { throw .destinationExists(path: displayPath) }
        guard rename(temporary, target) == 0 else { throw POSIXFile.failure(displayPath, "rename the finished file into") }
    }
}
