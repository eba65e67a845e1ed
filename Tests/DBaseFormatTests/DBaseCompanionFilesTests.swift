import TestSupport
import Foundation
@testable import DBaseFormat
import Testing
@testable import FormatKit

/// The files a table comes with (a conversion refusing them as outputs is tested with the
/// registry: FormatRegistryTests.theDBaseCompanionFilesAreRefusedAsOutputs).
@Suite struct DBaseCompanionFilesTests {
    @Test func memoAndIndexNamesOfTheTableAreCompanions() throws {
        let directory = try makeTemporaryDirectory()
        let table = try writeFile(directory, "d3.dbf", [0x83])
        let memo = try writeFile(directory, "d3.dbt", [0])
        let folder = directory.path
        #expect(DBaseCompanionFiles.role(of: memo, forTable: table) == "memo file")
        #expect(DBaseCompanionFiles.role(of: folder + "/D3.FPT", forTable: table) == "memo file")  // need not exist
        #expect(DBaseCompanionFiles.role(of: folder + "/d3.cdx", forTable: table) == "index file")
        #expect(DBaseCompanionFiles.role(of: folder + "/d3.parquet", forTable: table) == nil)
        #expect(DBaseCompanionFiles.role(of: folder + "/other.dbt", forTable: table) == nil)
        // The same name in another directory is another file.
        let elsewhere = try makeTemporaryDirectory()
        #expect(DBaseCompanionFiles.role(of: elsewhere.path + "/d3.dbt", forTable: table) == nil)
        // A link to the memo file is the memo file.
        try FileManager.default.createSymbolicLink(atPath: elsewhere.path + "/notes.parquet", withDestinationPath: memo)
        #expect(DBaseCompanionFiles.role(of: elsewhere.path + "/notes.parquet", forTable: table) == "memo file")
    }
}
