import DatabricksEnvironment
import Values
import HTTPTransfer
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Multipart uploads, following databricks-sdk-py's `FilesExt._single_thread_multipart_upload`
/// (`databricks/sdk/mixins/files.py`):
/// 1. `POST /api/2.0/fs/files{path}?action=initiate-upload&overwrite=…` answers
///    `{"multipart_upload": {"session_token": …}}`;
/// 2. per part, `POST /api/2.0/fs/create-upload-part-urls` (`{path, session_token,
///    start_part_number, count: 1, expire_time}`) answers a presigned URL and headers, and the
///    part's bytes are `PUT` there (no bearer token: the URL carries its own authorisation);
///    the `ETag` of the answer names the part;
/// 3. `POST /api/2.0/fs/files{path}?action=complete-upload&upload_type=multipart&session_token=…`
///    with `{"parts": [{"part_number", "etag"}]}` commits the file;
/// 4. on any failure, `POST /api/2.0/fs/create-abort-upload-url` then `DELETE` on the URL it
///    gives drops the parts, so nothing is left behind.
///
/// Where we differ: parts go one at a time (the SDK uses threads), and every attempt at a part
/// asks for a fresh URL (the SDK reuses one until it expires), so an expired URL needs no
/// special case. A workspace that offers a resumable upload instead (GCP) or no multipart
/// endpoint gets one `PUT`, as the SDK falls back to, when the file is within its 5 GiB.
extension FilesAPIClient {
    func uploadInParts(_ localFile: String, size: Int64, to path: VolumePath, overwrite: Bool) async throws(VolumeError) {
        guard let session = try await initiateUpload(path, overwrite: overwrite) else {
            guard size <= MultipartSettings.singlePutLimit else {
                throw .requestFailed(
                    path: path.path, status: 501, attempts: 1,
                    serverMessage: "the workspace offers no multipart upload and one PUT takes at most 5 GiB")
            }
            return try await uploadInOnePut(localFile, to: path, overwrite: overwrite)
        }
        do {
            let partSize = multipart.partSize(for: size)
            var parts: [CompletedPart] = []
            var offset: Int64 = 0
            while offset < size || parts.isEmpty {
                let end = min(size, offset + partSize)
                let etag = try await uploadPart(localFile, bytes: offset..<end, number: parts.count + 1, of: path, session: session)
                parts.append(CompletedPart(part_number: parts.count + 1, etag: etag))
                offset = end
            }
            try await completeUpload(path, session: session, parts: parts)
        } catch {
            // Not cancellable: an upload cancelled half-way must still be dropped.
            let abort = Task { [self] in try? await abortUpload(path, session: session) }
            await abort.value
            throw error
        }
    }

    /// The session token, or nil where the workspace offers no multipart upload.
    private func initiateUpload(_ path: VolumePath, overwrite: Bool) async throws(VolumeError) -> String? {
        let url = FilesAPIEndpoint.file(path, host: credentials.host) + "?action=initiate-upload&overwrite=\(overwrite)"
        struct Answer: Decodable {
            struct Session: Decodable { var session_token: String? }
            var multipart_upload: Session?
        }
        do {
            let answer: Answer = try await postJSON(url, body: nil as String?, path: path, overwrite: overwrite)
            return answer.multipart_upload?.session_token
        } catch .requestFailed(_, let status, _, _) where [404, 405, 501].contains(status) {
            return nil
        }
    }

    /// Sends one part, retrying it (with a fresh URL each time) as the retry policy allows.
    private func uploadPart(
        _ localFile: String, bytes range: Range<Int64>, number: Int, of path: VolumePath, session: String
    ) async throws(VolumeError) -> String {
        try await perform(on: path, access: .write) { () async throws(VolumeError) in
            let target = try await partURL(path, session: session, number: number)
            var put = HTTPTransferRequest(method: .PUT, url: target.url)
            put.headers.add(name: "Content-Type", value: "application/octet-stream")
            for header in target.headers ?? [] { put.headers.replaceOrAdd(name: header.name, value: header.value) }
            put.body = .stream(length: range.upperBound - range.lowerBound, chunks: FileChunks(path: localFile, range: range))
            return put
        } onSuccess: { response in
            response.headers.first(name: "ETag") ?? ""
        }
    }

    private func partURL(_ path: VolumePath, session: String, number: Int) async throws(VolumeError) -> PresignedURL {
        struct Request: Encodable {
            var path, session_token: String
            var start_part_number, count: Int
            var expire_time: String
        }
        struct Answer: Decodable { var upload_part_urls: [PresignedURL]? }
        let body = Request(path: path.path, session_token: session, start_part_number: number, count: 1, expire_time: Self.expireTime())
        let answer: Answer = try await postJSON(credentials.host + "/api/2.0/fs/create-upload-part-urls", body: body, path: path)
        guard let url = answer.upload_part_urls?.first(where: { $0.part_number == number }) ?? answer.upload_part_urls?.first else {
            throw .requestFailed(path: path.path, status: 200, attempts: 1, serverMessage: "no upload URL for part \(number) in the answer")
        }
        return url
    }

    private func completeUpload(_ path: VolumePath, session: String, parts: [CompletedPart]) async throws(VolumeError) {
        struct Request: Encodable { var parts: [CompletedPart] }
        let url = FilesAPIEndpoint.file(path, host: credentials.host)
            + "?action=complete-upload&upload_type=multipart&session_token=\(FilesAPIEndpoint.percentEncoded(session))"
        let _: Empty = try await postJSON(url, body: Request(parts: parts), path: path)
    }

    private func abortUpload(_ path: VolumePath, session: String) async throws(VolumeError) {
        struct Request: Encodable { var path, session_token, expire_time: String }
        struct Answer: Decodable { var abort_upload_url: PresignedURL? }
        let answer: Answer = try await postJSON(
            credentials.host + "/api/2.0/fs/create-abort-upload-url",
            body: Request(path: path.path, session_token: session, expire_time: Self.expireTime()), path: path)
        guard let target = answer.abort_upload_url else { return }
        try await perform(on: path, access: .write) { () async throws(VolumeError) in
            var delete = HTTPTransferRequest(method: .DELETE, url: target.url)
            for header in target.headers ?? [] { delete.headers.replaceOrAdd(name: header.name, value: header.value) }
            return delete
        } onSuccess: { _ in }
    }

    /// A JSON POST to the workspace with the bearer token, its JSON answer decoded.
    private func postJSON<Body: Encodable, Answer: Decodable & Sendable>(
        _ url: String, body: Body?, path: VolumePath, overwrite: Bool = true
    ) async throws(VolumeError) -> Answer {
        let bytes = body.flatMap { try? JSONEncoder().encode($0) }
        return try await perform(on: path, access: .write, overwrite: overwrite) { () async throws(VolumeError) in
            var post = try await request(.POST, url)
            if let bytes {
                post.headers.add(name: "Content-Type", value: "application/json")
                post.body = .bytes(ByteBuffer(bytes: bytes))
            }
            return post
        } onSuccess: { response in
            let data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
            if data.isEmpty, let empty = Empty() as? Answer { return empty }
            do {
                return try JSONDecoder().decode(Answer.self, from: data)
            } catch {
                throw HTTPTransferError.invalidResponse(reason: "an answer that is not the expected JSON")
            }
        }
    }

    /// An hour from now, as the SDK asks (`files_ext_multipart_upload_url_expiration_duration`).
    private static func expireTime() -> String {
        CivilTime.formatRFC3339(Date().addingTimeInterval(3_600))
    }
}

/// A presigned URL with the headers to send along.
struct PresignedURL: Decodable, Sendable {
    struct Header: Decodable, Sendable { var name, value: String }
    var url: String
    var part_number: Int?
    var headers: [Header]?
}

struct CompletedPart: Codable, Sendable {
    var part_number: Int
    var etag: String
}

private struct Empty: Decodable, Sendable {}
