import Foundation
import Testing

@testable import DatabricksEnvironment

@Suite struct FileProbeTests {
    /// A directory standing in for `/`, removed by the caller.
    func makeRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dbroot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/databricks", withIntermediateDirectories: true)
        return root
    }

    @Test func rootedProbeReadsTheVersionFileAndVolumes() throws {
        let root = try makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "16.4.x-gpu-ml-scala2.12\n".write(toFile: root + "/databricks/DBR_VERSION", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/Volumes", withIntermediateDirectories: true)

        let environment = detect([:], files: .rooted(at: root))
        #expect(environment.runtimeVersion == "16.4.x-gpu-ml-scala2.12")
        #expect(environment.compute == .classic)
        #expect(environment.volumesMounted)
        #expect(environment.signals.contains("\(root)/Volumes is a mount point"))
        #expect(environment.signals.contains("\(root)/databricks/DBR_VERSION contains 16.4.x-gpu-ml-scala2.12"))
    }

    @Test func emptyRootIsALaptop() throws {
        let root = try makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = detect([:], files: .rooted(at: root + "/"))
        #expect(!environment.isDatabricks)
        #expect(!environment.volumesMounted)
    }

    @Test func systemMountPoints() {
        #expect(SystemMounts.isMountPoint("/"))
        #expect(SystemMounts.isMountPoint("/proc"))
        #expect(!SystemMounts.isMountPoint("/no/such/directory"))
    }
}
