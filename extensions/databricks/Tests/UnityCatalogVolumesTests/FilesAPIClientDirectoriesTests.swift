import DatabricksEnvironment
import Foundation
import Testing

@testable import UnityCatalogVolumes

/// Directory listing and removal through the stand-in Files API (what a Spark conversion off
/// Databricks needs to find Spark's part file and remove its staging directory).
@Suite struct FilesAPIClientDirectoriesTests {
    func withServer(_ body: (FilesAPITestServer) async throws -> Void) async throws {
        let server = try FilesAPITestServer()
        defer { server.stop() }
        try await body(server)
    }

    let staging = try! VolumePath(parsing: "/Volumes/main/sales/raw/out/.big.parquet.spark-1a2b")

    /// Spark's directory of parts as it leaves it: a part, its checksum, _SUCCESS, a subdirectory.
    func writeParts(_ server: FilesAPITestServer) throws {
        let disk = server.diskPath(staging)
        try FileManager.default.createDirectory(atPath: disk + "/_temporary/0", withIntermediateDirectories: true)
        for (name, bytes) in [("part-00000-x.snappy.parquet", 1000), (".part-00000-x.snappy.parquet.crc", 16), ("_SUCCESS", 0), ("_temporary/0/stray", 3)] {
            FileManager.default.createFile(atPath: disk + "/" + name, contents: Data(repeating: 7, count: bytes))
        }
    }

    @Test func listsEveryPageOfADirectory() async throws {
        try await withServer { server in
            try writeParts(server)
            try await server.setListingPageSize(2)
            let entries = try await server.client().list(staging)
            #expect(entries.map(\.name) == [".part-00000-x.snappy.parquet.crc", "_SUCCESS", "_temporary", "part-00000-x.snappy.parquet"])
            #expect(entries.first { $0.name == "_temporary" }?.isDirectory == true)
            #expect(entries.first { $0.name.hasPrefix("part-") }?.size == 1000)
            // Four entries in pages of two: a second request with the first page's token.
            let listings = try await server.requestLog().filter { $0.hasPrefix("GET") }
            #expect(listings.count == 2)
        }
    }

    @Test func aMissingDirectoryIsNotFound() async throws {
        try await withServer { server in
            await #expect(throws: VolumeError.notFound(path: staging.path)) { try await server.client().list(staging) }
        }
    }

    @Test func removeTreeDeletesContentsDepthFirstThenTheDirectory() async throws {
        try await withServer { server in
            try writeParts(server)
            try await server.client().removeTree(staging)
            #expect(!FileManager.default.fileExists(atPath: server.diskPath(staging)))
            #expect(FileManager.default.fileExists(atPath: server.diskPath(staging.parent!)))
            let deletes = try await server.requestLog().filter { $0.hasPrefix("DELETE") }
            #expect(deletes.count == 7)  // four files, _temporary/0 and _temporary, then the directory itself
            #expect(deletes.last == "DELETE \(staging.path) 204")
        }
    }

    @Test func removingWhatIsAlreadyGoneSucceeds() async throws {
        try await withServer { server in
            try await server.client().removeTree(staging)
            try await server.client().delete(staging.appending("nothing.parquet"))
        }
    }
}

extension VolumePath {
    fileprivate func appending(_ name: String) -> VolumePath {
        VolumePath(catalog: catalog, schema: schema, volume: volume, components: components + [name])
    }
}
