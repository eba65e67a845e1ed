import HTTPTransfer
import NIOCore
import Platform

/// Writes a local file all or nothing: into a temporary file beside it, renamed into place
/// only when complete; on failure nothing is left at `localFile` (an existing file is kept).
enum LocalDownload {
    /// A body that ends before its `Content-Length` fails in the middle of the loop (the
    /// response body checks it), so a short file is never renamed into place.
    static func write(_ response: HTTPTransferResponse, to localFile: String) async throws {
        let file = try PartialFile(localFile)
        do {
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { bytes throws(VolumeError) in
                    try POSIXFile.writeAll(file.fd, bytes, path: localFile)
                }
            }
            try file.complete()
        } catch {
            file.abandon()
            throw error
        }
    }

    /// `fill` writes the whole content to the temporary file's descriptor. Synchronous, and
    /// long for a large file: async callers run it on a blocking pool (docs/CONCURRENCY.md).
    static func write(to localFile: String, _ fill: (Int32) throws(VolumeError) -> Void) throws(VolumeError) {
        let file = try PartialFile(localFile)
        do {
            try fill(file.fd)
            try file.complete()
        } catch {
            file.abandon()
            throw error
        }
    }
}

/// A file being written under a temporary name beside its final one. `complete()` flushes it
/// and renames it into place; `abandon()`, after any failure, closes and removes it. Used by
/// one task or thread at a time.
private final class PartialFile {
    let fd: Int32
    private let temporaryPath: String
    private let finalPath: String
    private var isOpen = true

    init(_ finalPath: String) throws(VolumeError) {
        let (directory, name) = Self.split(finalPath)
        (temporaryPath, fd) = try POSIXFile.makeTemporaryFile(in: directory, for: name)
        self.finalPath = finalPath
    }

    func complete() throws(VolumeError) {
        try POSIXFile.sync(fd, path: finalPath)
        isOpen = false
        try POSIXFile.closeReportingErrors(fd, path: finalPath)
        guard rename(temporaryPath, finalPath) == 0 else { throw POSIXFile.failure(finalPath, "rename the download into") }
    }

    func abandon() {
        if isOpen { _ = close(fd) }
        isOpen = false
        _ = unlink(temporaryPath)
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }
}
