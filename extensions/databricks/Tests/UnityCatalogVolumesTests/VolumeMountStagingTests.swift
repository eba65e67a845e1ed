import Foundation
import Testing

@testable import UnityCatalogVolumes

/// The mount operations a Spark conversion on Databricks uses on its staging directory.
@Suite struct VolumeMountStagingTests {
    let volumes: TemporaryDirectory
    let local: TemporaryDirectory
    var mount: VolumeMount { VolumeMount(root: volumes.path) }
    let staging = try! VolumePath(parsing: "/Volumes/main/sales/raw/out/.big.parquet.spark-9f")
    let output = try! VolumePath(parsing: "/Volumes/main/sales/raw/out/big.parquet")

    init() throws {
        volumes = try TemporaryDirectory("mount")
        local = try TemporaryDirectory("local")
        try FileManager.default.createDirectory(atPath: volumes.path + "/main/sales/raw/out/.big.parquet.spark-9f/_temporary", withIntermediateDirectories: true)
        try volumes.write(Data("parquet bytes".utf8), to: "main/sales/raw/out/.big.parquet.spark-9f/part-00000.parquet")
        try volumes.write(Data(), to: "main/sales/raw/out/.big.parquet.spark-9f/_SUCCESS")
    }

    func cleanUp() {
        volumes.remove()
        local.remove()
    }

    @Test func listsNamesWithKinds() throws {
        defer { cleanUp() }
        let entries = try mount.list(staging)
        #expect(entries.map(\.name) == ["_SUCCESS", "_temporary", "part-00000.parquet"])
        #expect(entries.map(\.isDirectory) == [false, true, false])
        #expect(entries[2].size == 13)
        #expect(throws: VolumeError.notFound(path: output.path + "x")) { try mount.list(try VolumePath(parsing: output.path + "x")) }
    }

    @Test func movesThePartOntoTheOutputAndRefusesToReplaceWithoutOverwrite() throws {
        defer { cleanUp() }
        let part = try VolumePath(parsing: staging.path + "/part-00000.parquet")
        try volumes.write(Data("old".utf8), to: "main/sales/raw/out/big.parquet")
        #expect(throws: VolumeError.destinationExists(path: output.path)) { try mount.move(part, to: output, overwrite: false) }
        #expect(FileManager.default.contents(atPath: mount.localPath(output)) == Data("old".utf8))
        try mount.move(part, to: output, overwrite: true)
        #expect(FileManager.default.contents(atPath: mount.localPath(output)) == Data("parquet bytes".utf8))
        #expect(!FileManager.default.fileExists(atPath: mount.localPath(part)))
    }

    @Test func exportsAFileToALocalPathWholeAndAlone() async throws {
        defer { cleanUp() }
        let part = try VolumePath(parsing: staging.path + "/part-00000.parquet")
        let target = local.path + "/.out.parquet.pyforge-host"
        try mount.export(part, toLocal: target)
        #expect(FileManager.default.contents(atPath: target) == Data("parquet bytes".utf8))
        #expect(local.allFiles() == [".out.parquet.pyforge-host"])
        let missing = try VolumePath(parsing: staging.path + "/missing")
        #expect(throws: VolumeError.self) { try mount.export(missing, toLocal: target) }
        #expect(local.allFiles() == [".out.parquet.pyforge-host"])
    }

    @Test func removesTheTreeAndToleratesItsAbsence() throws {
        defer { cleanUp() }
        try mount.removeTree(staging)
        #expect(!FileManager.default.fileExists(atPath: mount.localPath(staging)))
        #expect(FileManager.default.fileExists(atPath: mount.localPath(output.parent!)))
        try mount.removeTree(staging)
    }
}
