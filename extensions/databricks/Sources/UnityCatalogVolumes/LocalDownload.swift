import HTTPTransfer
import NIOCore
import Platform

/// Writes a local file all or nothing: into a temporary file beside it, renamed into place
/// only when complete; on failure nothing is left at `localFile` (an existing file is kept).
enum LocalDownload {
    /// A body that ends before its `Content-Length` fails in the middle of the loop (the
    /// response body checks it), so a short file is never renamed into place.
    static func write(_ response: HTTPTransferResponse, to localFile: String) async throws {
        try await write(to: localFile) { fd in
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { bytes throws(VolumeError) in
                    try POSIXFile.writeAll(fd, bytes, path: localFile)
                }
            }
        }
    }

    /// `fill` writes the whole content to the temporary file's descriptor.
    static func write(to localFile: String, _ fill: (Int32) async throws -> Void) async throws {
        let (directory, name) = split(localFile)
        let temporary = try POSIXFile.makeTemporaryFile(in: directory, for: name)
        var open = true
        do {
            try await fill(temporary.fd)
            try POSIXFile.sync(temporary.fd, path: localFile)
            open = false
            try POSIXFile.closeReportingErrors(temporary.fd, path: localFile)
            guard rename(temporary.path, localFile) == 0 else { throw POSIXFile.failure(localFile, "rename the download into") }
        } catch {
            if open { _ = close(temporary.fd) }
            _ = unlink(temporary.path)
            throw error
        }
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }
}
