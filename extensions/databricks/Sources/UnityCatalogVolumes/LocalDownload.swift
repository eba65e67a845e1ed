import AsyncHTTPClient
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a response body to a local file: into a temporary file beside it, renamed into place
/// only when the whole body arrived.
enum LocalDownload {
    /// The body ended before its `Content-Length`; the attempt is retried.
    struct TruncatedBody: Error, CustomStringConvertible {
        var expected: Int64, received: Int64
        var description: String { "the connection closed after \(received) of \(expected) bytes" }
    }

    static func write(_ response: HTTPClientResponse, to localFile: String) async throws {
        let (directory, name) = split(localFile)
        let temporary = try POSIXFile.makeTemporaryFile(in: directory, for: name)
        var open = true
        do {
            var received: Int64 = 0
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { bytes throws(VolumeError) in
                    try POSIXFile.writeAll(temporary.fd, bytes, path: localFile)
                }
                received += Int64(buffer.readableBytes)
            }
            if let expected = response.headers.first(name: "Content-Length").flatMap({ Int64($0) }), expected != received {
                throw TruncatedBody(expected: expected, received: received)
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
