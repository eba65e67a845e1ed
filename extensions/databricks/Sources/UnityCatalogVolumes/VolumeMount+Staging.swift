#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform

/// What a Spark conversion needs of the mount besides ``VolumeMount/install(localFile:at:overwrite:)``:
/// list the directory of parts Spark wrote into a volume, move the part file onto the output,
/// copy it out to a local file, and remove the directory.
extension VolumeMount {
    /// The entries of a directory in a volume.
    public func list(_ directory: VolumePath) throws(VolumeError) -> [DirectoryEntry] {
        let local = localPath(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: local) else {
            throw directoryExists(local) ? POSIXFile.failure(directory.path, "list") : .notFound(path: directory.path)
        }
        return names.sorted().map { name in
            var info = stat()
            let found = stat(local + "/" + name, &info) == 0
            return DirectoryEntry(
                name: name, isDirectory: found && (info.st_mode & S_IFMT) == S_IFDIR, size: found ? Int64(info.st_size) : nil)
        }
    }

    /// Renames a file onto `destination` in the same volume (the mount renames; it has no
    /// hard links). Without `overwrite` an existing destination is refused; the window between
    /// that check and the rename is small, not closed.
    public func move(_ source: VolumePath, to destination: VolumePath, overwrite: Bool) throws(VolumeError) {
        let target = localPath(destination)
        if !overwrite, POSIXFile.exists(target) { throw .destinationExists(path: destination.path) }
        if let parent = destination.parent { try POSIXFile.createDirectories(localPath(parent)) }
        guard rename(localPath(source), target) == 0 else { throw POSIXFile.failure(destination.path, "rename the finished file into") }
    }

    /// Copies a volume file to `localFile` in one sequential pass, through a temporary file
    /// beside it that is renamed into place only when complete. It blocks for as long as the
    /// copy takes: async callers run it on a blocking pool (`offloaded`).
    public func export(_ source: VolumePath, toLocal localFile: String) throws(VolumeError) {
        let input = try POSIXFile.openForReading(localPath(source))
        defer { _ = close(input) }
        try LocalDownload.write(to: localFile) { fd throws(VolumeError) in
            try copy(from: input, sourcePath: source.path, to: fd, targetPath: localFile, afterChunk: { _ throws(VolumeError) in })
        }
    }

    /// Removes a directory in a volume and everything in it; one already gone is fine.
    public func removeTree(_ directory: VolumePath) throws(VolumeError) {
        let local = localPath(directory)
        guard POSIXFile.exists(local) else { return }
        do { try FileManager.default.removeItem(atPath: local) } catch {
            throw .fileSystem(path: directory.path, operation: "remove the directory", reason: "\(error)")
        }
    }
}
