import Foundation
import Testing

@testable import AccessFormat

@Suite struct AccessDatabaseTests {
    /// Found by scripts/fuzz (target access): the Jet magic, then the end of the file before
    /// the version byte at 0x14 that gives the page size; reading it trapped.
    @Test func aHeaderEndingBeforeTheVersionByteIsRefusedAsTruncated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-access-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path + "/short.mdb"
        try Data("stubStandard Jet DB".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try AccessDatabase.checkFile(path)
        } throws: { error in
            "\(error)".contains("truncated") && "\(error)".contains("short.mdb")
        }
    }
}
