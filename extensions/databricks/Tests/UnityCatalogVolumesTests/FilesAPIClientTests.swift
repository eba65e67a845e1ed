import DatabricksEnvironment
import Foundation
import Testing

@testable import UnityCatalogVolumes

/// The Files API client against the stand-in server, one server per test.
@Suite struct FilesAPIClientTests {
    /// Runs `body` with a fresh server and scratch directory, then stops and removes both.
    func withServer(_ body: (FilesAPITestServer, TemporaryDirectory) async throws -> Void) async throws {
        let server = try FilesAPITestServer()
        let local = try TemporaryDirectory("client-local")
        defer {
            server.stop()
            local.remove()
        }
        try await body(server, local)
    }

    /// Every error's message must be free of the token, whatever the server echoed.
    func expectNoToken(_ error: VolumeError?, _ server: FilesAPITestServer, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else { return }
        for text in [error.description, String(describing: error), String(reflecting: error)] {
            #expect(!text.contains(server.token), "the token leaked: \(text)", sourceLocation: sourceLocation)
        }
    }

    let file = try! VolumePath(parsing: "/Volumes/main/sales/raw/in dir #1/日本 data?.bin")

    @Test func roundTripOfAMultiMegabyteFile() async throws {
        try await withServer { server, local in
            let content = sampleBytes(5 << 20 + 17)
            let source = try local.write(content, to: "upload.bin")
            let client = server.client()

            try await client.upload(source, to: file, overwrite: false)
            #expect(FileManager.default.contents(atPath: server.diskPath(file)) == content)

            let metadata = try #require(try await client.metadata(of: file))
            #expect(metadata.size == Int64(content.count))
            #expect(metadata.lastModified != nil)

            let target = local.path + "/download.bin"
            try await client.download(file, to: target)
            #expect(FileManager.default.contents(atPath: target) == content)
            #expect(local.allFiles() == ["download.bin", "upload.bin"])

            #expect(try await server.requestLog() == [
                "PUT /Volumes/main/sales/raw/in dir #1 204",
                "PUT \(file.path) 204",
                "HEAD \(file.path) 200",
                "GET \(file.path) 200",
            ])
        }
    }

    @Test func uploadWithoutOverwriteRefusesAnExistingFile() async throws {
        try await withServer { server, local in
            let destination = try VolumePath(parsing: "/Volumes/main/sales/raw/orders.csv")
            try Data("old".utf8).write(to: URL(fileURLWithPath: server.diskPath(destination)))
            let source = try local.write(Data("new".utf8), to: "orders.csv")
            let client = server.client()

            let error = await #expect(throws: VolumeError.self) {
                try await client.upload(source, to: destination, overwrite: false)
            }
            #expect(error == .destinationExists(path: destination.path))
            #expect(error?.description.contains("Use --force") == true)
            #expect(FileManager.default.contents(atPath: server.diskPath(destination)) == Data("old".utf8))

            try await client.upload(source, to: destination, overwrite: true)
            #expect(FileManager.default.contents(atPath: server.diskPath(destination)) == Data("new".utf8))
        }
    }

    @Test func forbiddenReadNamesReadVolume() async throws {
        try await withServer { server, local in
            try local.write(Data("x".utf8), to: "placeholder")
            try Data("x".utf8).write(to: URL(fileURLWithPath: server.diskPath(try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv"))))
            try await server.addFault([
                "method": "GET", "path": "/Volumes/main/sales/raw/a.csv", "status": 403, "count": -1,
                "error_code": "PERMISSION_DENIED", "message": "User does not have READ VOLUME on Volume 'main.sales.raw'.",
                "echo_authorization": true,
            ])
            let error = await #expect(throws: VolumeError.self) {
                try await server.client().download(try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv"), to: local.path + "/a.csv")
            }
            let message = error?.description ?? ""
            #expect(message.hasPrefix("Permission denied to read '/Volumes/main/sales/raw/a.csv'"))
            #expect(message.contains("you need READ VOLUME on the volume main.sales.raw plus USE CATALOG on its catalog and USE SCHEMA on its schema"))
            #expect(message.contains("PERMISSION_DENIED: User does not have READ VOLUME"))
            #expect(message.contains("Authorization: [REDACTED]"))
            expectNoToken(error, server)
            #expect(local.allFiles() == ["placeholder"])
            #expect(try await server.requestLog() == ["GET /Volumes/main/sales/raw/a.csv 403"])  // not retried
        }
    }

    @Test func forbiddenWriteNamesWriteVolume() async throws {
        try await withServer { server, local in
            let source = try local.write(Data("x".utf8), to: "a.csv")
            let destination = try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")
            try await server.addFault(["method": "PUT", "path": destination.path, "status": 403, "count": -1, "echo_authorization": true])
            let error = await #expect(throws: VolumeError.self) {
                try await server.client().upload(source, to: destination, overwrite: true)
            }
            #expect(error?.description.contains("Permission denied to write '/Volumes/main/sales/raw/a.csv'") == true)
            #expect(error?.description.contains("you need WRITE VOLUME on the volume main.sales.raw plus USE CATALOG") == true)
            expectNoToken(error, server)
            #expect(!FileManager.default.fileExists(atPath: server.diskPath(destination)))
        }
    }

    @Test func missingFile() async throws {
        try await withServer { server, local in
            let missing = try VolumePath(parsing: "/Volumes/main/sales/raw/missing.csv")
            let client = server.client()
            #expect(try await client.metadata(of: missing) == nil)
            let error = await #expect(throws: VolumeError.self) {
                try await client.download(missing, to: local.path + "/missing.csv")
            }
            #expect(error == .notFound(path: missing.path))
            #expect(error?.description.hasPrefix("'/Volumes/main/sales/raw/missing.csv' does not exist.") == true)
            #expect(local.allFiles().isEmpty)
        }
    }

    @Test func tooManyRequestsTwiceThenSuccess() async throws {
        try await withServer { server, local in
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")
            try Data("hello".utf8).write(to: URL(fileURLWithPath: server.diskPath(path)))
            try await server.addFault(["method": "GET", "path": path.path, "status": 429, "count": 2, "retry_after": "0"])
            try await server.client().download(path, to: local.path + "/a.csv")
            #expect(FileManager.default.contents(atPath: local.path + "/a.csv") == Data("hello".utf8))
            #expect(try await server.requestLog() == ["GET \(path.path) 429", "GET \(path.path) 429", "GET \(path.path) 200"])
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await withServer { server, local in
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")
            try Data("hello".utf8).write(to: URL(fileURLWithPath: server.diskPath(path)))
            try await server.addFault(["method": "HEAD", "path": path.path, "status": 429, "count": 1, "retry_after": "1"])
            let start = ContinuousClock.now
            let metadata = try await server.client().metadata(of: path)
            #expect(metadata?.size == 5)
            #expect(ContinuousClock.now - start >= .milliseconds(900))
        }
    }

    @Test func serverErrorThenSuccessOnUpload() async throws {
        try await withServer { server, local in
            let content = sampleBytes(100_000)
            let source = try local.write(content, to: "a.bin")
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try await server.addFault(["method": "PUT", "path": path.path, "status": 500, "count": 1])
            try await server.client().upload(source, to: path, overwrite: false)
            #expect(FileManager.default.contents(atPath: server.diskPath(path)) == content)
            #expect(try await server.requestLog() == ["PUT \(path.path) 500", "PUT \(path.path) 204"])
        }
    }

    @Test func persistentServerErrorSaysHowManyAttempts() async throws {
        try await withServer { server, local in
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")
            try await server.addFault([
                "method": "GET", "status": 503, "count": -1, "error_code": "TEMPORARILY_UNAVAILABLE",
                "message": "Try later.", "echo_authorization": true,
            ])
            let error = await #expect(throws: VolumeError.self) {
                try await server.client(attempts: 3).download(path, to: local.path + "/a.csv")
            }
            #expect(error == .requestFailed(
                path: path.path, status: 503, attempts: 3,
                serverMessage: "TEMPORARILY_UNAVAILABLE: Try later. Request had Authorization: [REDACTED]"))
            #expect(error?.description == """
                The Files API answered HTTP 503 for '/Volumes/main/sales/raw/a.csv' (the workspace said: \
                TEMPORARILY_UNAVAILABLE: Try later. Request had Authorization: [REDACTED]), after 3 attempts. \
                The workspace is busy or failing; try again later.
                """)
            expectNoToken(error, server)
            #expect(local.allFiles().isEmpty)
        }
    }

    @Test func droppedUploadIsRetriedFromTheStart() async throws {
        try await withServer { server, local in
            let content = sampleBytes(3 << 20)
            let source = try local.write(content, to: "a.bin")
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try await server.addFault(["method": "PUT", "path": path.path, "drop_after_bytes": 1 << 20, "count": 1])
            try await server.client().upload(source, to: path, overwrite: false)
            #expect(FileManager.default.contents(atPath: server.diskPath(path)) == content)
            #expect(try await server.requestLog() == ["PUT \(path.path) dropped", "PUT \(path.path) 204"])
        }
    }

    @Test func uploadDroppedEveryTimeFailsClearlyAndLeavesNothing() async throws {
        try await withServer { server, local in
            let source = try local.write(sampleBytes(2 << 20), to: "a.bin")
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try await server.addFault(["method": "PUT", "path": path.path, "drop_after_bytes": 100_000, "count": -1])
            let error = await #expect(throws: VolumeError.self) {
                try await server.client(attempts: 3).upload(source, to: path, overwrite: false)
            }
            guard case .connectionFailed(let failedPath, let attempts, _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(failedPath == path.path)
            #expect(attempts == 3)
            #expect(error?.description.contains("the connection closed before the transfer finished, after 3 attempts") == true)
            #expect(error?.description.contains("Check DATABRICKS_HOST") == true)
            expectNoToken(error, server)
            #expect(server.root.allFiles().isEmpty)
        }
    }

    @Test func droppedDownloadIsRetried() async throws {
        try await withServer { server, local in
            let content = sampleBytes(2 << 20)
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try content.write(to: URL(fileURLWithPath: server.diskPath(path)))
            try await server.addFault(["method": "GET", "path": path.path, "drop_after_bytes": 500_000, "count": 1])
            try await server.client().download(path, to: local.path + "/a.bin")
            #expect(FileManager.default.contents(atPath: local.path + "/a.bin") == content)
            #expect(try await server.requestLog() == ["GET \(path.path) dropped", "GET \(path.path) 200"])
        }
    }

    @Test func downloadDroppedEveryTimeLeavesNoLocalFile() async throws {
        try await withServer { server, local in
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try sampleBytes(1 << 20).write(to: URL(fileURLWithPath: server.diskPath(path)))
            try local.write(Data("previous".utf8), to: "kept.bin")
            try await server.addFault(["method": "GET", "path": path.path, "drop_after_bytes": 100_000, "count": -1])
            let client = server.client(attempts: 2)
            await #expect(throws: VolumeError.self) { try await client.download(path, to: local.path + "/a.bin") }
            await #expect(throws: VolumeError.self) { try await client.download(path, to: local.path + "/kept.bin") }
            #expect(local.allFiles() == ["kept.bin"])
            #expect(FileManager.default.contents(atPath: local.path + "/kept.bin") == Data("previous".utf8))
        }
    }

    /// The workspace answers a bad token with 403 and a numeric error code; that must read as
    /// a rejected token with how to renew it, not as a missing grant.
    @Test func rejectedToken() async throws {
        try await withServer { server, local in
            let wrongToken = "dapi-wrong-\(UUID().uuidString)"
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")
            try Data("x".utf8).write(to: URL(fileURLWithPath: server.diskPath(path)))
            let error = await #expect(throws: VolumeError.self) {
                try await server.client(token: wrongToken).download(path, to: local.path + "/a.csv")
            }
            let renewal = TokenRenewal.personalAccessToken(host: server.baseURL)
            #expect(error == .tokenRejected(path: path.path, serverMessage: "Invalid access token.", renewal: renewal))
            let message = error?.description ?? ""
            #expect(message.hasPrefix("Could not access '/Volumes/main/sales/raw/a.csv': the workspace rejected the token (expired or revoked)"))
            #expect(message.contains("Create a new personal access token"))
            #expect(message.contains("databricks auth login --host \(server.baseURL)"))
            #expect(!message.contains("READ VOLUME"))
            #expect(!message.contains(wrongToken))
            #expect(local.allFiles().isEmpty)
            #expect(try await server.requestLog() == ["GET \(path.path) 403"])  // not retried

            // A HEAD answer has no body; the client asks again with a one-byte GET to learn why.
            let headError = await #expect(throws: VolumeError.self) {
                try await server.client(token: wrongToken).metadata(of: path)
            }
            #expect(headError == .tokenRejected(path: path.path, serverMessage: "Invalid access token.", renewal: renewal))
        }
    }

    @Test func headForbiddenByAGrantStillNamesTheGrant() async throws {
        try await withServer { server, _ in
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv")
            try Data("x".utf8).write(to: URL(fileURLWithPath: server.diskPath(path)))
            try await server.addFault([
                "path": path.path, "status": 403, "count": -1, "error_code": "PERMISSION_DENIED",
                "message": "User does not have READ VOLUME on Volume 'main.sales.raw'.",
            ])
            let error = await #expect(throws: VolumeError.self) { try await server.client().metadata(of: path) }
            #expect(error == .permissionDenied(
                path: path.path, access: .read,
                serverMessage: "PERMISSION_DENIED: User does not have READ VOLUME on Volume 'main.sales.raw'."))
        }
    }

    @Test func rangedReadReturnsTheBytesOfThe206() async throws {
        try await withServer { server, _ in
            let content = sampleBytes(300_000)
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try content.write(to: URL(fileURLWithPath: server.diskPath(path)))
            let client = server.client()
            #expect(try await client.read(path, bytes: 1000..<1100) == Array(content[1000..<1100]))
            // The footer of a file: a range running past the end comes back shorter.
            #expect(try await client.read(path, bytes: 299_990..<300_100) == Array(content[299_990...]))
            #expect(try await server.requestLog() == ["GET \(path.path) 206", "GET \(path.path) 206"])
            let error = await #expect(throws: VolumeError.self) { try await client.read(path, bytes: 400_000..<400_010) }
            guard case .requestFailed(_, 416, _, _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
        }
    }

    @Test func droppedRangedReadIsRetried() async throws {
        try await withServer { server, _ in
            let content = sampleBytes(500_000)
            let path = try VolumePath(parsing: "/Volumes/main/sales/raw/a.bin")
            try content.write(to: URL(fileURLWithPath: server.diskPath(path)))
            try await server.addFault(["method": "GET", "path": path.path, "drop_after_bytes": 70_000, "count": 1])
            #expect(try await server.client().read(path, bytes: 10..<200_010) == Array(content[10..<200_010]))
            #expect(try await server.requestLog() == ["GET \(path.path) dropped", "GET \(path.path) 206"])
        }
    }

    @Test func createsNestedDirectories() async throws {
        try await withServer { server, _ in
            let directory = try VolumePath(parsing: "/Volumes/main/sales/raw/a/b/c")
            let client = server.client()
            try await client.createDirectory(directory)
            try await client.createDirectory(directory)  // existing is fine
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: server.diskPath(directory), isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    @Test func missingLocalFileFailsBeforeAnyRequest() async throws {
        try await withServer { server, local in
            let missing = local.path + "/nope.csv"
            let error = await #expect(throws: VolumeError.self) {
                try await server.client().upload(missing, to: try VolumePath(parsing: "/Volumes/main/sales/raw/x/nope.csv"), overwrite: true)
            }
            #expect(error == .fileSystem(path: missing, operation: "open for reading", reason: "No such file or directory"))
            let log = try await server.requestLog()
            #expect(log.isEmpty)
        }
    }

    @Test func unreachableWorkspace() async throws {
        let server = try FilesAPITestServer()
        let client = server.client(attempts: 2)
        server.stop()  // nothing listens on its port any more
        let error = await #expect(throws: VolumeError.self) {
            try await client.metadata(of: try VolumePath(parsing: "/Volumes/main/sales/raw/a.csv"))
        }
        guard case .connectionFailed(_, let attempts, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(attempts == 2)
        #expect(error?.description.contains("Connection refused") == true)
        expectNoToken(error, server)
    }
}
