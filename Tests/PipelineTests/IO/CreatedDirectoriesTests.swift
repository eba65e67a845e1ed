@testable import Pipeline
import TestSupport
import Foundation
import Testing

@testable import FormatKit

@Suite struct CreatedDirectoriesTests {
    @Test func makesOnlyTheMissingLevelsAndRemovesExactlyThose() throws {
        let root = try makeTemporaryDirectory().path
        try FileManager.default.createDirectory(atPath: root + "/have", withIntermediateDirectories: false)
        let created = try CreatedDirectories.make(root + "/have/new/deeper/")
        #expect(created.paths == [root + "/have/new", root + "/have/new/deeper"])
        #expect(FileManager.default.fileExists(atPath: root + "/have/new/deeper"))
        created.removeIfEmpty()
        #expect(!FileManager.default.fileExists(atPath: root + "/have/new"))
        #expect(FileManager.default.fileExists(atPath: root + "/have"))
    }

    @Test func aDirectoryThatGainedAFileIsKeptWithItsAncestors() throws {
        let root = try makeTemporaryDirectory().path
        let created = try CreatedDirectories.make(root + "/a/b/c")
        _ = try writeFile(URL(fileURLWithPath: root + "/a/b"), "someone-elses.txt", [1])
        created.removeIfEmpty()
        #expect(!FileManager.default.fileExists(atPath: root + "/a/b/c"))
        #expect(FileManager.default.fileExists(atPath: root + "/a/b/someone-elses.txt"))
    }

    @Test func aFileInTheWayIsAnErrorNamingIt() throws {
        let root = try makeTemporaryDirectory().path
        _ = try writeFile(URL(fileURLWithPath: root), "file", [1])
        do {
            _ = try CreatedDirectories.make(root + "/file/y")
            Issue.record("no error")
        } catch {
            #expect(error.description.contains(root + "/file/y"))
        }
    }

    /// A level that cannot be made (a name longer than any file system takes) after two that
    /// were: those two are removed before the error is thrown.
    @Test func aFailurePartWayRemovesTheLevelsAlreadyMade() throws {
        let root = try makeTemporaryDirectory().path
        #expect(throws: ConversionError.self) {
            try CreatedDirectories.make(root + "/x/y/" + String(repeating: "n", count: 300))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == [])
    }

    @Test func theOutputDirectoryARequestNeeds() {
        func needed(_ output: String?, _ format: OutputFormat? = nil) -> String? {
            var request = ConvertRequest(inputPath: "in.csv", outputPath: output)
            request.format = format
            return Converter.outputDirectory(of: request)
        }
        #expect(needed(nil) == nil)
        #expect(needed("out/2024/a.parquet") == "out/2024")
        #expect(needed("a.parquet") == ".")
        #expect(needed("out/2024/") == "out/2024")
        #expect(needed("out/2024//", .delta) == "out")
        #expect(needed("lake/t", .delta) == "lake")
        #expect(needed("/") == nil)
    }
}
