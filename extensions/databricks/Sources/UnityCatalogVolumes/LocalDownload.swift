import HTTPTransfer
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a response body to a local file: into a temporary file beside it, renamed into place
/// only when the whole body arrived.
enum LocalDownload {
    /// A body that ends before its `Content-Length` fails in the middle of the loop (the
    /// response body checks it), so a short file is never renamed into place.
    static func write(_ response: HTTPTransferResponse, to localFile: String) async throws {
        let (directory, name) = split(localFile)
        let temporary = try POSIXFile.makeTemporaryFile(in: directory, for: name)
        var open = true
        do {
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { bytes throws(VolumeError) in
                    try POSIXFile.writeAll(temporary.fd, bytes, path: localFile)
                }
            }
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
