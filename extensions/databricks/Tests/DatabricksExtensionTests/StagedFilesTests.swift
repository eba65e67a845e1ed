import DatabricksEnvironment
import Foundation
import Testing
import UnityCatalogVolumes

@testable import DatabricksExtension

/// What a Spark conversion staged is removed whether it succeeded or not; through the mount
/// for volume directories.
@Suite struct StagedFilesTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("staged-\(UUID().uuidString)").path

    func context() -> ExtensionContext {
        let laptop = DatabricksEnvironment.detect(environment: [:], files: .rooted(at: "/nonexistent-root"))
        return ExtensionContext(environment: laptop, mount: VolumeMount(root: root + "/Volumes"), mountAvailable: true)
    }

    @Test func removesLocalAndVolumeDirectoriesAndWhatIsGoneIsNoWarning() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let local = root + "/out/.x.parquet.spark-1"
        let volumeDirectory = try VolumePath(parsing: "/Volumes/main/raw/scratch/.input.spark-2")
        for directory in [local + "/_temporary", root + "/Volumes/main/raw/scratch/.input.spark-2"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        FileManager.default.createFile(atPath: root + "/Volumes/main/raw/scratch/.input.spark-2/big.csv", contents: Data("a\n".utf8))
        var staged = StagedFiles()
        let context = context()
        _ = try staged.requireAccess(context, for: volumeDirectory)
        staged.add(.local(local))
        staged.add(.volume(volumeDirectory))
        staged.add(.local(root + "/never-made"))
        #expect(await staged.removeAll(context) == [])
        #expect(!FileManager.default.fileExists(atPath: local))
        #expect(!FileManager.default.fileExists(atPath: root + "/Volumes/main/raw/scratch/.input.spark-2"))
        #expect(FileManager.default.fileExists(atPath: root + "/Volumes/main/raw/scratch"))
    }

    @Test func withoutMountOrCredentialsAVolumeIsAClearError() throws {
        let laptop = DatabricksEnvironment.detect(environment: [:], files: .rooted(at: "/nonexistent-root"))
        let context = ExtensionContext(environment: laptop, mount: VolumeMount(root: "/nonexistent"), mountAvailable: false)
        var staged = StagedFiles()
        let volume = try VolumePath(parsing: "/Volumes/main/raw/scratch")
        #expect(throws: ConversionFailure.self) { try staged.requireAccess(context, for: volume) }
        do {
            _ = try staged.requireAccess(context, for: volume)
        } catch {
            #expect(error.message.contains("Set DATABRICKS_HOST and DATABRICKS_TOKEN"))
        }
    }
}
