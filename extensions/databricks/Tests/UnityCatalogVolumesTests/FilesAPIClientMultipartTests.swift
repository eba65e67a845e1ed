import DatabricksEnvironment
import Foundation
import Testing

@testable import UnityCatalogVolumes

/// Multipart uploads against the stand-in, with a threshold small enough for test files.
@Suite struct FilesAPIClientMultipartTests {
    let destination = try! VolumePath(parsing: "/Volumes/main/sales/raw/out/big file.parquet")
    let small = MultipartSettings(threshold: 500_000, partSize: 400_000)

    func withServer(_ body: (FilesAPITestServer, TemporaryDirectory) async throws -> Void) async throws {
        let server = try FilesAPITestServer()
        let local = try TemporaryDirectory("multipart-local")
        defer {
            server.stop()
            local.remove()
        }
        try await body(server, local)
    }

    @Test func aFileOverTheThresholdGoesInParts() async throws {
        try await withServer { server, local in
            let content = sampleBytes(1_000_001)
            let source = try local.write(content, to: "big.bin")
            try await server.client(multipart: small).upload(source, to: destination, overwrite: false)
            #expect(FileManager.default.contents(atPath: server.diskPath(destination)) == content)
            let log = try await server.requestLog()
            #expect(log == [
                "PUT /Volumes/main/sales/raw/out 204",
                "POST \(destination.path) 200",  // initiate-upload
                "POST /api/2.0/fs/create-upload-part-urls 200", "PUT part:1 200",
                "POST /api/2.0/fs/create-upload-part-urls 200", "PUT part:2 200",
                "POST /api/2.0/fs/create-upload-part-urls 200", "PUT part:3 200",
                "POST \(destination.path) 200",  // complete-upload
            ])
            #expect(try await server.sessions().open == 0)
        }
    }

    @Test func aFileUnderTheThresholdIsOnePut() async throws {
        try await withServer { server, local in
            let source = try local.write(sampleBytes(1000), to: "small.bin")
            try await server.client(multipart: small).upload(source, to: destination, overwrite: false)
            #expect(try await server.requestLog() == ["PUT /Volumes/main/sales/raw/out 204", "PUT \(destination.path) 204"])
        }
    }

    /// A part that fails (a 503, then a connection dropped mid-body) is sent again; the file is whole.
    @Test func aFailingPartIsRetried() async throws {
        try await withServer { server, local in
            let content = sampleBytes(1_000_001)
            let source = try local.write(content, to: "big.bin")
            try await server.addFault(["method": "PUT", "path": "part:2", "status": 503, "count": 1])
            try await server.addFault(["method": "PUT", "path": "part:2", "drop_after_bytes": 1000, "count": 1])
            try await server.client(multipart: small).upload(source, to: destination, overwrite: true)
            #expect(FileManager.default.contents(atPath: server.diskPath(destination)) == content)
            let partTwo = try await server.requestLog().filter { $0.hasPrefix("PUT part:2") }
            #expect(partTwo == ["PUT part:2 503", "PUT part:2 dropped", "PUT part:2 200"])
            #expect(try await server.sessions().open == 0)
        }
    }

    /// A failure the retries cannot mend aborts the upload: no file, no session, no staged part.
    @Test func aFailureAbortsAndLeavesNothing() async throws {
        try await withServer { server, local in
            let source = try local.write(sampleBytes(1_000_001), to: "big.bin")
            try await server.addFault(["method": "PUT", "path": "part:3", "status": 500, "count": -1])
            let error = await #expect(throws: VolumeError.self) {
                try await server.client(attempts: 3, multipart: small).upload(source, to: destination, overwrite: true)
            }
            guard case .requestFailed(_, 500, 3, _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(!FileManager.default.fileExists(atPath: server.diskPath(destination)))
            let state = try await server.sessions()
            #expect(state.open == 0 && state.staged == 0)
            #expect(try await server.requestLog().suffix(2) == ["POST /api/2.0/fs/create-abort-upload-url 200", "DELETE abort 204"])
        }
    }

    @Test func aFailedCompleteAbortsToo() async throws {
        try await withServer { server, local in
            let source = try local.write(sampleBytes(1_000_001), to: "big.bin")
            try await server.addFault([
                "method": "POST", "path": destination.path, "action": "complete-upload", "status": 400, "count": -1,
                "error_code": "INVALID_PARAMETER_VALUE", "message": "Parts do not match.",
            ])
            await #expect(throws: VolumeError.self) {
                try await server.client(multipart: small).upload(source, to: destination, overwrite: true)
            }
            #expect(!FileManager.default.fileExists(atPath: server.diskPath(destination)))
            let state = try await server.sessions()
            #expect(state.open == 0 && state.staged == 0)
        }
    }

    @Test func withoutOverwriteAnExistingFileIsRefusedBeforeAnyPart() async throws {
        try await withServer { server, local in
            try FileManager.default.createDirectory(
                atPath: server.diskPath(destination.parent!), withIntermediateDirectories: true)
            try Data("old".utf8).write(to: URL(fileURLWithPath: server.diskPath(destination)))
            let source = try local.write(sampleBytes(1_000_001), to: "big.bin")
            let error = await #expect(throws: VolumeError.self) {
                try await server.client(multipart: small).upload(source, to: destination, overwrite: false)
            }
            #expect(error == .destinationExists(path: destination.path))
            #expect(FileManager.default.contents(atPath: server.diskPath(destination)) == Data("old".utf8))
            #expect(try await server.requestLog().contains { $0.contains("part") } == false)
        }
    }

    @Test func partSizesFollowTheSDK() {
        let settings = MultipartSettings()
        #expect(settings.threshold == 50 << 20)
        #expect(settings.partSize(for: 60 << 20) == 10 << 20)
        #expect(settings.partSize(for: 1 << 30) == 20 << 20)  // 1 GiB / 10 MiB would be 103 parts
        #expect(settings.partSize(for: 6 << 30) == 100 << 20)
        #expect(settings.partSize(for: 1 << 40) == 4 << 30)
        #expect(MultipartSettings(threshold: 10 << 30).threshold == MultipartSettings.singlePutLimit)
        let fromEnvironment = MultipartSettings.from(environment: [
            "PYFORGE_DATABRICKS_MULTIPART_THRESHOLD": "1048576", "PYFORGE_DATABRICKS_MULTIPART_PART_SIZE": "x",
        ])
        #expect(fromEnvironment == MultipartSettings(threshold: 1 << 20, partSize: nil))
    }
}
