@testable import ExtensionHost
import Foundation
import Pipeline
import Testing
import Platform

@Suite struct ExtensionDiscoveryTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-discovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Writes an extension directory with a manifest and an executable script.
    @discardableResult
    func makeExtension(
        in searchDirectory: String, folder: String, name: String, executable: String = "run.sh", sha256: String? = nil,
        manifest: String? = nil, mode: Int = 0o755
    ) throws -> URL {
        let directory = root.appendingPathComponent(searchDirectory).appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
        chmod(directory.deletingLastPathComponent().path, 0o755)
        let script = directory.appendingPathComponent("run.sh")
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: script)
        chmod(script.path, mode_t(mode))
        let text = manifest ?? """
            {"name": "\(name)", "version": "1.0.0", "executable": "\(executable)", "protocolVersions": ["1.0"],
             "inputFormats": ["csv"], "outputFormats": ["parquet"]\(sha256.map { ", \"sha256\": \"\($0)\"" } ?? "")}
            """
        try Data(text.utf8).write(to: directory.appendingPathComponent(ExtensionManifest.fileName))
        return directory
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    @Test func sha256MatchesKnownVectors() {
        var empty = SHA256()
        #expect(empty.finalize() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = SHA256()
        abc.update(Array("abc".utf8))
        #expect(abc.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var long = SHA256()
        for _ in 0..<1_000 { long.update(Array(repeating: UInt8(ascii: "a"), count: 1_000)) }
        #expect(long.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func findsShadowsAndRefuses() throws {
        try makeExtension(in: "first", folder: "good", name: "good")
        try makeExtension(in: "second", folder: "good-copy", name: "good")
        try makeExtension(in: "first", folder: "broken", name: "x", manifest: "{not json")
        try makeExtension(in: "first", folder: "noexec", name: "noexec", mode: 0o644)
        try makeExtension(in: "first", folder: "escape", name: "escape", executable: "../good/run.sh")
        let writable = try makeExtension(in: "first", folder: "writable", name: "writable")
        chmod(writable.path, 0o777)
        try makeExtension(in: "first", folder: "tampered", name: "tampered", sha256: String(repeating: "0", count: 64))

        let report = ExtensionDiscovery.discover(searchPath: [path("first"), path("second"), path("missing")])
        #expect(report.found.map(\.manifest.name) == ["good"])
        #expect(report.shadowed.map(\.name) == ["good"])
        #expect(report.shadowed.first?.shadowedBy == path("first") + "/good")
        let invalid = Dictionary(uniqueKeysWithValues: report.invalid.map { ($0.directory.split(separator: "/").last.map(String.init) ?? "", $0.reason) })
        #expect(invalid["broken"]?.contains("not a valid manifest") == true)
        #expect(invalid["noexec"]?.contains("chmod +x") == true)
        let insecure = Dictionary(uniqueKeysWithValues: report.insecure.map { ($0.directory.split(separator: "/").last.map(String.init) ?? "", $0.reason) })
        #expect(insecure["escape"]?.contains("outside the extension's directory") == true)
        #expect(insecure["writable"]?.contains("writable by everyone") == true)
        #expect(insecure["tampered"]?.contains("SHA-256") == true)
    }

    /// pip keeps the umask: with 002 the wheel's extension is group-writable. That is safe,
    /// and accepted, only when the group is the owner's private group. The expectation is
    /// read from /etc/passwd and /etc/group as text, not through the code under test.
    @Test func groupWritableIsAcceptedOnlyForTheOwnersPrivateGroup() throws {
        let directory = try makeExtension(in: "umask", folder: "ext", name: "ext")
        chmod(directory.path, 0o775)
        chmod(directory.appendingPathComponent("run.sh").path, 0o775)
        let gid = getgid(), uid = getuid()
        func lines(_ file: String) throws -> [[Substring]] {
            try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
                $0.split(separator: ":", omittingEmptySubsequences: false)
            }
        }
        let users = try lines("/etc/passwd").filter { $0.count > 3 }
        let owner = users.first { $0[2] == "\(uid)" }.map { String($0[0]) }
        let primary = users.filter { $0[3] == "\(gid)" }.map { String($0[2]) }
        let members = try lines("/etc/group").first { $0.count > 3 && $0[2] == "\(gid)" }
            .map { $0[3].split(separator: ",").map(String.init) } ?? []
        let privateGroup = owner != nil && primary.allSatisfy { $0 == "\(uid)" }
            && members.allSatisfy { $0 == owner } && !(primary.isEmpty && members.isEmpty)

        let report = ExtensionDiscovery.discover(searchPath: [path("umask")])
        #expect(report.found.count == (privateGroup ? 1 : 0))
        if !privateGroup {
            #expect(report.insecure.first?.reason.contains("writable by its group") == true)
        }
    }

    @Test func matchingChecksumIsAccepted() throws {
        let digest = ExtensionDiscovery.sha256(ofFile: "/bin/sh").map { _ in () }
        #expect(digest != nil)
        let directory = try makeExtension(in: "sums", folder: "ok", name: "ok")
        let actual = ExtensionDiscovery.sha256(ofFile: directory.appendingPathComponent("run.sh").path)!
        try makeExtension(in: "sums", folder: "ok", name: "ok", sha256: actual)
        #expect(ExtensionDiscovery.discover(searchPath: [path("sums")]).found.count == 1)
    }

    @Test func searchPathNeverIncludesTheCurrentDirectory() {
        let path = ExtensionDiscovery.searchPath(
            environment: ["PYFORGE_EXTENSIONS_PATH": "/opt/a:relative:/opt/b:", "HOME": "/home/u"],
            executablePath: "/usr/local/bin/pyforge")
        #expect(path.first == "/opt/a")
        #expect(path.contains("/opt/b"))
        #expect(!path.contains("relative") && !path.contains(".") && !path.contains(""))
        #expect(path.contains("/home/u/.local/share/pyforge/extensions"))
        #expect(path.contains("/usr/local/bin/../share/pyforge/extensions"))
        let relative = ExtensionDiscovery.searchPath(environment: [:], executablePath: ".build/release/pyforge")
        #expect(relative.allSatisfy { $0.hasPrefix("/") })
    }
}
