import Foundation
import Testing

@testable import UnityCatalogVolumes

@Suite struct VolumeMountTests {
    /// A directory standing in for `/Volumes` with the volume `main.sales.raw`, and a scratch
    /// directory for local files; both removed by the caller.
    struct Fixture {
        let volumes: TemporaryDirectory
        let local: TemporaryDirectory
        var mount: VolumeMount { VolumeMount(root: volumes.path) }

        init() throws {
            volumes = try TemporaryDirectory("mount")
            local = try TemporaryDirectory("local")
            try FileManager.default.createDirectory(atPath: volumes.path + "/main/sales/raw", withIntermediateDirectories: true)
        }

        func remove() {
            volumes.remove()
            local.remove()
        }

        /// `/Volumes/main/sales/raw/out.csv` holding "old", and a local file holding "new" to put there.
        func oldDestinationAndNewSource() throws -> (VolumePath, String) {
            try volumes.write(Data("old".utf8), to: "main/sales/raw/out.csv")
            return (try VolumePath(parsing: "/Volumes/main/sales/raw/out.csv"), try local.write(Data("new".utf8), to: "out.csv"))
        }
    }

    @Test func localPathUnderTheRoot() throws {
        let path = try VolumePath(parsing: "dbfs:/Volumes/main/sales/raw/a b/x.csv")
        #expect(VolumeMount(root: "/Volumes").localPath(path) == "/Volumes/main/sales/raw/a b/x.csv")
        #expect(VolumeMount(root: "/tmp/v/").localPath(path) == "/tmp/v/main/sales/raw/a b/x.csv")
    }

    @Test func installsAMultiChunkFileAndCreatesDirectories() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let content = sampleBytes(3 << 20 + 123)
        let source = try fixture.local.write(content, to: "out.parquet")
        let destination = try VolumePath(parsing: "/Volumes/main/sales/raw/2024/06/out.parquet")

        try fixture.mount.install(localFile: source, at: destination, overwrite: false)

        #expect(FileManager.default.contents(atPath: fixture.mount.localPath(destination)) == content)
        #expect(fixture.volumes.allFiles() == ["main/sales/raw/2024/06/out.parquet"])
    }

    @Test func overwriteReplacesTheFile() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (destination, source) = try fixture.oldDestinationAndNewSource()

        try fixture.mount.install(localFile: source, at: destination, overwrite: true)

        #expect(FileManager.default.contents(atPath: fixture.mount.localPath(destination)) == Data("new".utf8))
        #expect(fixture.volumes.allFiles() == ["main/sales/raw/out.csv"])
    }

    @Test func withoutOverwriteAnExistingFileIsKept() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (destination, source) = try fixture.oldDestinationAndNewSource()

        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: source, at: destination, overwrite: false)
        }
        #expect(error == .destinationExists(path: "/Volumes/main/sales/raw/out.csv"))
        #expect(error?.description == "'/Volumes/main/sales/raw/out.csv' already exists. Use --force to overwrite it, or choose another destination.")
        #expect(FileManager.default.contents(atPath: fixture.mount.localPath(destination)) == Data("old".utf8))
        #expect(fixture.volumes.allFiles() == ["main/sales/raw/out.csv"])
    }

    @Test func fileAppearingDuringTheCopyIsNeverReplaced() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let destination = try VolumePath(parsing: "/Volumes/main/sales/raw/out.csv")
        let source = try fixture.local.write(sampleBytes(10), to: "out.csv")
        let target = fixture.mount.localPath(destination)

        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: source, at: destination, overwrite: false) { _ throws(VolumeError) in
                _ = FileManager.default.createFile(atPath: target, contents: Data("someone else's".utf8))
            }
        }
        #expect(error == .destinationExists(path: destination.path))
        #expect(FileManager.default.contents(atPath: target) == Data("someone else's".utf8))
        #expect(fixture.volumes.allFiles() == ["main/sales/raw/out.csv"])
    }

    @Test func failureMidCopyLeavesNothing() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let destination = try VolumePath(parsing: "/Volumes/main/sales/raw/out.csv")
        let source = try fixture.local.write(sampleBytes(3 << 20), to: "out.csv")
        var chunks = 0

        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: source, at: destination, overwrite: true) { copied throws(VolumeError) in
                chunks += 1
                // A partial temporary file exists at this point; the failure must remove it.
                #expect(fixture.volumes.allFiles().contains { $0.hasPrefix("main/sales/raw/.out.csv.pyforge-") })
                if chunks == 2 { throw .fileSystem(path: destination.path, operation: "write", reason: "No space left on device") }
            }
        }
        #expect(error?.description.contains("No space left on device") == true)
        #expect(chunks == 2)
        #expect(fixture.volumes.allFiles().isEmpty)
    }

    @Test func renameFailureLeavesNothing() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        // A non-empty directory where the file should go: the copy succeeds, the rename cannot.
        try fixture.volumes.write(Data("x".utf8), to: "main/sales/raw/out.csv/inner")
        let source = try fixture.local.write(sampleBytes(1000), to: "out.csv")
        let destination = try VolumePath(parsing: "/Volumes/main/sales/raw/out.csv")

        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: source, at: destination, overwrite: true)
        }
        guard case .fileSystem(let path, let operation, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(path == destination.path)
        #expect(operation == "rename the finished file into")
        #expect(fixture.volumes.allFiles() == ["main/sales/raw/out.csv/inner"])
    }

    @Test func missingSourceIsReportedAndNothingWritten() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let missing = fixture.local.path + "/vanished.csv"
        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: missing, at: try VolumePath(parsing: "/Volumes/main/sales/raw/x.csv"), overwrite: true)
        }
        #expect(error == .fileSystem(path: missing, operation: "open for reading", reason: "No such file or directory"))
        #expect(error?.description.hasPrefix("Could not open for reading '\(missing)': No such file or directory.") == true)
        #expect(fixture.volumes.allFiles().isEmpty)
    }

    @Test func sourceThatIsADirectoryIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: fixture.local.path, at: try VolumePath(parsing: "/Volumes/main/sales/raw/x.csv"), overwrite: true)
        }
        #expect(error == .fileSystem(path: fixture.local.path, operation: "read", reason: "it is not a regular file"))
        #expect(fixture.volumes.allFiles().isEmpty)
    }

    @Test func unmountedVolumeIsReported() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let source = try fixture.local.write(Data("x".utf8), to: "x.csv")
        let destination = try VolumePath(parsing: "/Volumes/main/sales/archive/x.csv")
        let error = #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: source, at: destination, overwrite: true)
        }
        #expect(error == .volumeNotMounted(path: destination.path, mountRoot: fixture.volumes.path))
        #expect(!FileManager.default.fileExists(atPath: fixture.volumes.path + "/main/sales/archive"))
    }

    @Test func volumeRootIsNotAFileDestination() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let source = try fixture.local.write(Data("x".utf8), to: "x.csv")
        #expect(throws: VolumeError.self) {
            try fixture.mount.install(localFile: source, at: try VolumePath(parsing: "/Volumes/main/sales/raw"), overwrite: true)
        }
    }

    @Test func longNamesKeepTheTemporaryNameShortEnough() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let name = String(repeating: "n", count: 250)
        let source = try fixture.local.write(Data("x".utf8), to: "x.csv")
        try fixture.mount.install(localFile: source, at: try VolumePath(parsing: "/Volumes/main/sales/raw/\(name)"), overwrite: false)
        #expect(fixture.volumes.allFiles() == ["main/sales/raw/\(name)"])
    }
}
