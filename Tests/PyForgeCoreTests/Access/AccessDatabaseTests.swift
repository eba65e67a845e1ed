import Foundation
import Testing

@testable import PyForgeCore

@Suite struct AccessDatabaseTests {
    /// Found by scripts/fuzz (target access): the Jet magic, then the end of the file before
    /// the version byte at 0x14 that gives the page size; reading it trapped.
    @Test func aHeaderEndingBeforeTheVersionByteIsRefusedAsTruncated() throws {
        let path = try makeTemporaryDirectory().path + "/short.mdb"
        try Data("stubStandard Jet DB".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try AccessDatabase.checkFile(path)
        } throws: { error in
            "\(error)".contains("truncated") && "\(error)".contains("short.mdb")
        }
    }
}
