import DatabricksEnvironment
import HTTPTransfer
import NIOCore
import NIOHTTP1

import Platform

/// Reads and writes Unity Catalog Volume files through the Databricks Files API, for use off
/// Databricks with workspace credentials.
///
/// Bodies are streamed both ways, 429/5xx answers and broken connections are retried with
/// backoff, and nothing partial is left behind: a download lands under its name only when
/// complete, and the service commits an upload only when the whole body arrived. Tokens and
/// secrets never appear in an error: server messages and transport errors pass through
/// ``WorkspaceTokenSource/redact(_:)``.
public final class FilesAPIClient: Sendable {
    let credentials: WorkspaceCredentials
    /// The bearer tokens sent (fetched and renewed for OAuth); also redacts them.
    public let tokens: WorkspaceTokenSource
    let retry: RetryPolicy
    let httpClient: HTTPTransferClient
    /// Uploads from this size on go in parts (see `FilesAPIClient+Multipart.swift`).
    let multipart: MultipartSettings

    /// Creates a client. Redirects are not followed: a redirect to another host would carry
    /// the token along.
    public convenience init(
        credentials: WorkspaceCredentials, retry: RetryPolicy = .default, multipart: MultipartSettings = .default
    ) {
        self.init(credentials: credentials, retry: retry, timeouts: HTTPTransferClient.Timeouts(), multipart: multipart)
    }

    /// A transfer that moves no byte for `timeouts.stall` is broken off and retried; tests
    /// shorten the timeouts.
    init(
        credentials: WorkspaceCredentials, retry: RetryPolicy, timeouts: HTTPTransferClient.Timeouts,
        multipart: MultipartSettings = .default
    ) {
        self.credentials = credentials
        self.retry = retry
        self.httpClient = HTTPTransferClient(timeouts: timeouts)
        self.tokens = WorkspaceTokenSource(credentials: credentials, httpClient: httpClient)
        self.multipart = multipart
    }

    /// The file's size and modification time, or nil when it does not exist (`HEAD`).
    public func metadata(of path: VolumePath) async throws(VolumeError) -> RemoteFileMetadata? {
        do {
            return try await perform(on: path, access: .read) { () async throws(VolumeError) in
                try await request(.HEAD, FilesAPIEndpoint.file(path, host: credentials.host))
            } onSuccess: { response in
                RemoteFileMetadata(
                    size: response.headers.first(name: "Content-Length").flatMap { Int64($0) },
                    lastModified: response.headers.first(name: "Last-Modified").flatMap(HTTPDate.parse),
                    contentType: response.headers.first(name: "Content-Type"))
            }
        } catch .notFound {
            return nil
        } catch .permissionDenied(_, _, nil) {
            // A HEAD answer has no body to tell a rejected token from a missing grant; the
            // same request as a one-byte GET gets the service's explanation.
            _ = try await read(path, bytes: 0..<1)
            throw .permissionDenied(path: path.path, access: .read, serverMessage: nil)
        }
    }

    /// Downloads the file to `localFile`, chunk by chunk (`GET`).
    ///
    /// The body goes to a temporary file beside `localFile`, renamed into place when complete;
    /// on failure nothing is left at `localFile` (an existing file there is kept as it was).
    public func download(_ path: VolumePath, to localFile: String) async throws(VolumeError) {
        try await perform(on: path, access: .read) { () async throws(VolumeError) in
            try await request(.GET, FilesAPIEndpoint.file(path, host: credentials.host))
        } onSuccess: { response in
            try await LocalDownload.write(response, to: localFile)
        }
    }

    /// Uploads `localFile` to `path` (`PUT ...?overwrite=`), creating its parent directories first.
    ///
    /// The body is streamed from the file with a `Content-Length`; each retry starts again
    /// from the start of the file. Without `overwrite` an existing destination is an error.
    /// Files from ``MultipartSettings/threshold`` on go in parts (`FilesAPIClient+Multipart.swift`).
    public func upload(_ localFile: String, to path: VolumePath, overwrite: Bool) async throws(VolumeError) {
        guard path.lastComponent != nil else {
            throw .fileSystem(path: path.path, operation: "upload a file to", reason: "it is the volume root, a directory")
        }
        // Fail on an unreadable source before touching the workspace.
        let source = try POSIXFile.openForReading(localFile)
        defer { _ = close(source) }

        if let parent = path.parent, !parent.components.isEmpty {
            try await createDirectory(parent)
        }
        let size = try POSIXFile.regularFileSize(source, path: localFile)
        if size >= multipart.threshold {
            return try await uploadInParts(localFile, size: size, to: path, overwrite: overwrite)
        }
        try await uploadInOnePut(localFile, to: path, overwrite: overwrite)
    }

    /// One `PUT` of the whole file (at most 5 GiB).
    func uploadInOnePut(_ localFile: String, to path: VolumePath, overwrite: Bool) async throws(VolumeError) {
        let url = FilesAPIEndpoint.file(path, host: credentials.host) + "?overwrite=\(overwrite)"
        try await perform(on: path, access: .write, overwrite: overwrite) { () async throws(VolumeError) in
            // Measured per attempt, so the length always matches the bytes streamed.
            let file = try POSIXFile.openForReading(localFile)
            defer { _ = close(file) }
            let size = try POSIXFile.regularFileSize(file, path: localFile)
            var upload = try await request(.PUT, url)
            upload.headers.add(name: "Content-Type", value: "application/octet-stream")
            upload.body = .stream(length: size, chunks: FileChunks(path: localFile))
            return upload
        } onSuccess: { _ in }
    }

    /// Creates the directory and any missing parents (`PUT /api/2.0/fs/directories`); an existing directory is fine.
    public func createDirectory(_ path: VolumePath) async throws(VolumeError) {
        try await perform(on: path, access: .write) { () async throws(VolumeError) in
            try await request(.PUT, FilesAPIEndpoint.directory(path, host: credentials.host))
        } onSuccess: { _ in }
    }

    /// A request with the bearer token; the token goes nowhere else.
    func request(_ method: HTTPMethod, _ url: String) async throws(VolumeError) -> HTTPTransferRequest {
        var request = HTTPTransferRequest(method: method, url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(try await tokens.token(for: url))")
        request.headers.add(name: "User-Agent", value: "pyforge-databricks")
        return request
    }
}
