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

    // Put-if-absent, small reads and relative paths (what Delta tables in a volume use).

    let log = try! VolumePath(parsing: "/Volumes/main/sales/raw/table/_delta_log")

    @Test func listsAnExistingDirectoryByNameAndReadsASmallFile() async throws {
        try await withServer { server in
            let local = try TemporaryDirectory("client-directories")
            defer { local.remove() }
            let client = server.client()
            let source = try local.write(Data("{}\n".utf8), to: "commit.json")
            try await client.upload(source, to: log.appending("00000000000000000000.json"), overwrite: false)
            try await client.createDirectory(log.appending("sub"))
            let entries = try await client.list(log)
            #expect(entries.sorted { $0.name < $1.name } == [
                DirectoryEntry(name: "00000000000000000000.json", isDirectory: false, size: 3),
                DirectoryEntry(name: "sub", isDirectory: true, size: nil),
            ])
            #expect(try await client.contents(of: log.appending("00000000000000000000.json")) == Array("{}\n".utf8))
        }
    }

    @Test func putIfAbsentLetsExactlyOneOfManyConcurrentUploadsWin() async throws {
        try await withServer { server in
            let local = try TemporaryDirectory("client-directories")
            defer { local.remove() }
            let client = server.client()
            let target = log.appending("00000000000000000001.json")
            let sources = try (0..<8).map { try local.write(Data("writer \($0)\n".utf8), to: "c\($0).json") }
            let wins = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for (index, source) in sources.enumerated() {
                    group.addTask { (index, try await client.uploadIfAbsent(source, to: target)) }
                }
                return try await group.reduce(into: [Int]()) { if $1.1 { $0.append($1.0) } }
            }
            #expect(wins.count == 1)
            let winner = try #require(wins.first)
            #expect(FileManager.default.contents(atPath: server.diskPath(target)) == Data("writer \(winner)\n".utf8))
        }
    }

    @Test func appendingSplitsARelativePath() throws {
        let table = try VolumePath(parsing: "/Volumes/main/sales/raw/t")
        #expect(table.appending("region=north/part-1.parquet").path == "/Volumes/main/sales/raw/t/region=north/part-1.parquet")
    }
}
