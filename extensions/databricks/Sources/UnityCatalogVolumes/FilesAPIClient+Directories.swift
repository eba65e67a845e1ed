#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTransfer
import NIOCore
import NIOHTTP1

/// One entry of a directory listing (`GET /api/2.0/fs/directories{path}`; the Files API
/// reference's `DirectoryEntry`, as databricks-sdk-py `service/files.py` decodes it).
public struct RemoteDirectoryEntry: Sendable, Equatable, Decodable {
    public var name: String
    public var isDirectory: Bool
    public var fileSize: Int64?

    enum CodingKeys: String, CodingKey {
        case name, isDirectory = "is_directory", fileSize = "file_size"
    }

    public init(name: String, isDirectory: Bool, fileSize: Int64?) {
        self.name = name
        self.isDirectory = isDirectory
        self.fileSize = fileSize
    }
}

/// What directory outputs (Delta tables, a workbook's sheet files) need beyond single files:
/// listing, small reads, put-if-absent uploads and deletes.
extension FilesAPIClient {
    private struct ListPage: Decodable {
        var contents: [RemoteDirectoryEntry]?
        var nextPageToken: String?

        enum CodingKeys: String, CodingKey {
            case contents, nextPageToken = "next_page_token"
        }
    }

    /// The directory's entries, every page of them; nil when the directory does not exist (404).
    public func list(_ directory: VolumePath) async throws(VolumeError) -> [RemoteDirectoryEntry]? {
        var entries: [RemoteDirectoryEntry] = []
        var token: String?
        repeat {
            let query = token.map { "?page_token=" + FilesAPIEndpoint.percentEncoded($0) } ?? ""
            let page: ListPage
            do throws(VolumeError) {
                page = try await perform(on: directory, access: .read) { () async throws(VolumeError) in
                    try await request(.GET, FilesAPIEndpoint.directory(directory, host: credentials.host) + query)
                } onSuccess: { response in
                    let body = try await response.body.collect(upTo: 64 << 20)
                    return try JSONDecoder().decode(ListPage.self, from: Data(body.readableBytesView))
                }
            } catch .notFound {
                return nil
            }
            entries += page.contents ?? []
            token = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return entries
    }

    /// The whole content of a small file (a Delta commit), at most `limit` bytes.
    public func contents(of path: VolumePath, limit: Int = 256 << 20) async throws(VolumeError) -> [UInt8] {
        try await perform(on: path, access: .read) { () async throws(VolumeError) in
            try await request(.GET, FilesAPIEndpoint.file(path, host: credentials.host))
        } onSuccess: { response in
            Array(try await response.body.collect(upTo: limit).readableBytesView)
        }
    }

    /// Deletes a file (`DELETE /api/2.0/fs/files{path}`); a missing file is fine.
    public func delete(_ path: VolumePath) async throws(VolumeError) {
        do throws(VolumeError) {
            try await perform(on: path, access: .write) { () async throws(VolumeError) in
                try await request(.DELETE, FilesAPIEndpoint.file(path, host: credentials.host))
            } onSuccess: { _ in }
        } catch .notFound {
            return
        }
    }

    /// Uploads `localFile` only if nothing is at `path` (`PUT …?overwrite=false`, the Files
    /// API's put-if-absent); false when a file is already there (409 `ALREADY_EXISTS`).
    public func uploadIfAbsent(_ localFile: String, to path: VolumePath) async throws(VolumeError) -> Bool {
        do throws(VolumeError) {
            try await upload(localFile, to: path, overwrite: false)
            return true
        } catch .destinationExists {
            return false
        }
    }
}

extension VolumePath {
    /// The path of `relative` (`a/b.parquet`) inside this directory.
    public func appending(_ relative: String) -> VolumePath {
        VolumePath(
            catalog: catalog, schema: schema, volume: volume,
            components: components + relative.split(separator: "/").map(String.init))
    }
}
