import Foundation
import Testing

@testable import UnityCatalogVolumes

/// Listing, small reads, deletes and the put-if-absent upload that directory outputs (Delta
/// tables, sheet directories) use, against the stand-in server.
@Suite struct FilesAPIClientDirectoriesTests {
    func withServer(_ body: (FilesAPITestServer, TemporaryDirectory) async throws -> Void) async throws {
        let server = try FilesAPITestServer()
        let local = try TemporaryDirectory("client-directories")
        defer {
            server.stop()
            local.remove()
        }
        try await body(server, local)
    }

    let log = try! VolumePath(parsing: "/Volumes/main/sales/raw/table/_delta_log")

    @Test func listsAMissingDirectoryAsNilAndAnExistingOneByName() async throws {
        try await withServer { server, local in
            let client = server.client()
            #expect(try await client.list(log) == nil)
            let source = try local.write(Data("{}\n".utf8), to: "commit.json")
            try await client.upload(source, to: log.appending("00000000000000000000.json"), overwrite: false)
            try await client.createDirectory(log.appending("sub"))
            let entries = try #require(try await client.list(log))
            #expect(entries == [
                RemoteDirectoryEntry(name: "00000000000000000000.json", isDirectory: false, fileSize: 3),
                RemoteDirectoryEntry(name: "sub", isDirectory: true, fileSize: nil),
            ])
            #expect(try await client.contents(of: log.appending("00000000000000000000.json")) == Array("{}\n".utf8))
        }
    }

    @Test func putIfAbsentLetsExactlyOneOfManyConcurrentUploadsWin() async throws {
        try await withServer { server, local in
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

    @Test func deleteRemovesAFileAndAcceptsAMissingOne() async throws {
        try await withServer { server, local in
            let client = server.client()
            let file = try VolumePath(parsing: "/Volumes/main/sales/raw/part-0.parquet")
            try await client.upload(try local.write(Data([1, 2, 3]), to: "p"), to: file, overwrite: false)
            try await client.delete(file)
            #expect(!FileManager.default.fileExists(atPath: server.diskPath(file)))
            try await client.delete(file)
        }
    }

    @Test func appendingSplitsARelativePath() throws {
        let table = try VolumePath(parsing: "/Volumes/main/sales/raw/t")
        #expect(table.appending("region=north/part-1.parquet").path == "/Volumes/main/sales/raw/t/region=north/part-1.parquet")
    }
}
