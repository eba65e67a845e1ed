import HTTPTransfer
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One entry of a directory listing (`GET /api/2.0/fs/directories{path}`).
public struct DirectoryEntry: Sendable, Equatable {
    public var name: String
    public var isDirectory: Bool
    public var size: Int64?

    public init(name: String, isDirectory: Bool, size: Int64?) {
        self.name = name
        self.isDirectory = isDirectory
        self.size = size
    }
}

extension FilesAPIClient {
    /// A listing page is JSON of a few hundred bytes per entry; a page larger than this is
    /// not a listing, and reading it whole would be unbounded memory.
    static let listingPageLimit = 16 << 20

    /// The entries of a directory, every page of them (`GET /api/2.0/fs/directories{path}`,
    /// `contents` and `next_page_token`, as databricks-sdk-py's `list_directory_contents`).
    public func list(_ directory: VolumePath) async throws(VolumeError) -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        var pageToken: String?
        repeat {
            let url = FilesAPIEndpoint.directory(directory, host: credentials.host)
                + (pageToken.map { "?page_token=" + FilesAPIEndpoint.percentEncoded($0) } ?? "")
            let page: ListingPage = try await perform(on: directory, access: .read) {
                request(.GET, url)
            } onSuccess: { response in
                let body = try await response.body.collect(upTo: Self.listingPageLimit + 1)
                guard body.readableBytes <= Self.listingPageLimit else {
                    throw HTTPTransferError.invalidResponse(reason: "a directory listing page larger than 16 MiB")
                }
                do {
                    return try JSONDecoder().decode(ListingPage.self, from: Data(body.readableBytesView))
                } catch {
                    throw HTTPTransferError.invalidResponse(reason: "a directory listing that is not the Files API's JSON")
                }
            }
            for entry in page.contents ?? [] {
                let name = entry.name ?? String(entry.path.split(separator: "/").last ?? "")
                // A name that is not one path component would point elsewhere (removeTree
                // deletes what the listing names), so it is not an entry of this directory.
                guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else { continue }
                entries.append(DirectoryEntry(name: name, isDirectory: entry.is_directory ?? false, size: entry.file_size))
            }
            pageToken = page.next_page_token.flatMap { $0.isEmpty ? nil : $0 }
        } while pageToken != nil
        return entries
    }

    /// Deletes a file (`DELETE /api/2.0/fs/files{path}`); one already gone is fine.
    public func delete(_ file: VolumePath) async throws(VolumeError) {
        do {
            try await perform(on: file, access: .write) {
                request(.DELETE, FilesAPIEndpoint.file(file, host: credentials.host))
            } onSuccess: { _ in }
        } catch .notFound {}
    }

    /// Deletes a directory and everything in it. The service deletes only empty directories
    /// (`DELETE /api/2.0/fs/directories{path}`), so the contents go first, depth first, as
    /// databricks-sdk-py's `_VolumesPath.delete` does. One already gone is fine.
    public func removeTree(_ directory: VolumePath) async throws(VolumeError) {
        let entries: [DirectoryEntry]
        do { entries = try await list(directory) } catch .notFound { return }
        for entry in entries {
            let child = VolumePath(
                catalog: directory.catalog, schema: directory.schema, volume: directory.volume,
                components: directory.components + [entry.name])
            if entry.isDirectory { try await removeTree(child) } else { try await delete(child) }
        }
        do {
            try await perform(on: directory, access: .write) {
                request(.DELETE, FilesAPIEndpoint.directory(directory, host: credentials.host))
            } onSuccess: { _ in }
        } catch .notFound {}
    }
}

/// The JSON of one listing page; names as the service spells them.
private struct ListingPage: Decodable {
    struct Entry: Decodable {
        var path: String
        var name: String?
        var is_directory: Bool?
        var file_size: Int64?
    }

    var contents: [Entry]?
    var next_page_token: String?
}
