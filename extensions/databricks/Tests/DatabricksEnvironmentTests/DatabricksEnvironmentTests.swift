import Foundation
import Testing

@testable import DatabricksEnvironment

/// A probe over a made-up filesystem: file contents and mount points by absolute path.
func fakeProbe(files: [String: String] = [:], mounts: Set<String> = []) -> FileProbe {
    FileProbe(readSmallFile: { files[$0] }, isMountPoint: { mounts.contains($0) })
}

/// Detection as the extension runs it. How long it takes is measured by
/// benchmarks/databricks_detection.py, not asserted here: a busy machine must not fail a test.
func detect(_ environment: [String: String], files: FileProbe = fakeProbe()) -> DatabricksEnvironment {
    DatabricksEnvironment.detect(environment: environment, files: files)
}

@Suite struct DetectionTests {
    @Test func serverlessNotebook() {
        let environment = detect(
            ["DATABRICKS_RUNTIME_VERSION": "client.2", "IS_SERVERLESS": "TRUE", "SPARK_CONNECT_MODE_ENABLED": "1"],
            files: fakeProbe(mounts: ["/Volumes"]))
        #expect(environment.isDatabricks)
        #expect(environment.compute == .serverless)
        #expect(environment.runtimeVersion == "client.2")
        #expect(environment.clusterID == nil)
        #expect(environment.volumesMounted)
        #expect(environment.summary == "Databricks serverless (client.2)")
        #expect(environment.signals == [
            "DATABRICKS_RUNTIME_VERSION=client.2", "IS_SERVERLESS=TRUE", "SPARK_CONNECT_MODE_ENABLED=1",
            "/Volumes is a mount point",
        ])
    }

    @Test(arguments: ["client.1", "client.2.1", "client.3.10"])
    func serverlessVersions(version: String) {
        #expect(detect(["DATABRICKS_RUNTIME_VERSION": version]).compute == .serverless)
    }

    @Test(arguments: ["15.4.x-scala2.12", "16.4.x-gpu-ml-scala2.12", "14.3.x-cpu-ml-scala2.12", "13.3.x-photon-scala2.12"])
    func classicVersions(version: String) {
        let environment = detect([
            "DATABRICKS_RUNTIME_VERSION": version, "DB_IS_DRIVER": "TRUE",
            "DB_CLUSTER_ID": "0123-456789-abcdefgh", "DB_INSTANCE_TYPE": "Standard_DS3_v2",
        ])
        #expect(environment.compute == .classic)
        #expect(environment.clusterID == "0123-456789-abcdefgh")
        #expect(environment.summary == "Databricks classic (\(version), cluster 0123-456789-abcdefgh)")
        #expect(environment.signals.contains("DB_INSTANCE_TYPE=Standard_DS3_v2"))
        #expect(!environment.volumesMounted)
    }

    @Test func laptop() {
        let environment = detect(["HOME": "/home/me", "PATH": "/usr/bin"])
        #expect(!environment.isDatabricks)
        #expect(environment.compute == .none)
        #expect(environment.runtimeVersion == nil)
        #expect(environment.signals.isEmpty)
        #expect(environment.summary == "not Databricks")
    }

    @Test func versionFileWhenTheVariableIsMissing() {
        let environment = detect([:], files: fakeProbe(files: ["/databricks/DBR_VERSION": "15.4\n"]))
        #expect(environment.isDatabricks)
        #expect(environment.runtimeVersion == "15.4")
        #expect(environment.compute == .classic)
        #expect(environment.signals == ["/databricks/DBR_VERSION contains 15.4"])
    }

    @Test func variableWinsOverVersionFile() {
        let environment = detect(
            ["DATABRICKS_RUNTIME_VERSION": "client.2"], files: fakeProbe(files: ["/databricks/DBR_VERSION": "15.4"]))
        #expect(environment.runtimeVersion == "client.2")
        #expect(environment.compute == .serverless)
    }

    @Test func emptyVariableFallsBackToFile() {
        let environment = detect(
            ["DATABRICKS_RUNTIME_VERSION": "  "], files: fakeProbe(files: ["/databricks/DBR_VERSION": "client.1"]))
        #expect(environment.compute == .serverless)
    }

    @Test func classicVersionWinsOverServerlessFlag() {
        let environment = detect(["DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12", "IS_SERVERLESS": "TRUE"])
        #expect(environment.compute == .classic)
        #expect(environment.signals.contains { $0.contains("disagrees") })
    }

    @Test func serverlessVersionWinsOverFalseFlag() {
        let environment = detect(["DATABRICKS_RUNTIME_VERSION": "client.2", "IS_SERVERLESS": "FALSE"])
        #expect(environment.compute == .serverless)
        #expect(environment.signals.contains { $0.contains("disagrees") })
    }

    @Test func unknownVersionShapeUsesServerlessFlag() {
        #expect(detect(["DATABRICKS_RUNTIME_VERSION": "snapshot", "IS_SERVERLESS": "true"]).compute == .serverless)
        #expect(detect(["DATABRICKS_RUNTIME_VERSION": "snapshot"]).compute == .classic)
    }

    @Test func secondarySignalsAloneAreNotDatabricks() {
        let environment = detect(["DB_CLUSTER_ID": "0123-456789-abcdefgh", "IS_SERVERLESS": "TRUE"])
        #expect(!environment.isDatabricks)
        #expect(environment.compute == .none)
        #expect(environment.signals.contains("DB_CLUSTER_ID=0123-456789-abcdefgh"))
        #expect(environment.signals.last == "no runtime version, so the other signals do not make this Databricks")
    }

    @Test func encodesAsJSON() throws {
        let environment = detect(["DATABRICKS_RUNTIME_VERSION": "client.2"])
        let json = try JSONEncoder().encode(environment)
        #expect(try JSONDecoder().decode(DatabricksEnvironment.self, from: json) == environment)
        #expect(String(decoding: json, as: UTF8.self).contains("\"compute\":\"serverless\""))
    }
}

@Suite struct RuntimeVersionTests {
    @Test(arguments: [
        ("client.1", true), ("client.2.1", true), ("client.", false), ("client.x", false),
        ("client.1.2.3", false), ("client.1.", false), ("15.4.x-scala2.12", false),
    ])
    func serverlessShape(version: String, serverless: Bool) {
        #expect(RuntimeVersion.isServerless(version) == serverless)
    }

    @Test(arguments: [
        ("15.4.x-scala2.12", true), ("16.4.x-gpu-ml-scala2.12", true), ("15.4", true),
        ("client.2", false), ("15", false), ("x.4", false),
    ])
    func classicShape(version: String, classic: Bool) {
        #expect(RuntimeVersion.isClassic(version) == classic)
    }
}
