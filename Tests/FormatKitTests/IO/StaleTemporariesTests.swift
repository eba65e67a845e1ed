import TestSupport
import Foundation
import Testing

import Platform
@testable import FormatKit

@Suite struct StaleTemporariesTests {
    @Test func aTemporaryNameCarriesItsWriterAndReadsBack() throws {
        let template = TemporaryName.template(for: "out.parquet")
        #expect(template.hasPrefix(".out.parquet.pyforge-"))
        let name = String(template.dropLast(6)) + "a1B2c3"
        #expect(TemporaryName(fileName: name) == TemporaryName.current)
        #expect(TemporaryName.current.startTime > 0)
    }

    @Test func otherNamesNameNoWriter() {
        for name in ["out.parquet", ".out.parquet.pyforge-ab12cd", ".x.pyforge-12345678-12-34", ".x.pyforge-1234567-12-34-abcdef", ".x.pyforge-12345678-x-34-abcdef"] {
            #expect(TemporaryName(fileName: name) == nil, "\(name)")
        }
    }

    @Test func onlyADeadWriterOnThisHostIsStale() {
        let me = TemporaryName.current
        #expect(!me.writerIsDead)
        // Our own pid with another start time: the pid was reused, the writer is gone.
        #expect(TemporaryName(host: me.host, pid: me.pid, startTime: me.startTime + 1).writerIsDead)
        #expect(!TemporaryName(host: "00000000" == me.host ? "11111111" : "00000000", pid: me.pid, startTime: me.startTime + 1).writerIsDead)
    }

    @Test func sweepRemovesOnlyStaleTemporariesOfTheOutput() throws {
        let root = try makeTemporaryDirectory().path
        let me = TemporaryName.current
        let stale = root + "/.out.csv.pyforge-\(me.host)-\(me.pid)-\(me.startTime + 1)-abcdef"
        let live = root + "/.out.csv.pyforge-\(me.host)-\(me.pid)-\(me.startTime)-abcdef"
        let other = root + "/.other.csv.pyforge-\(me.host)-\(me.pid)-\(me.startTime + 1)-abcdef"
        for path in [stale, live, other] { _ = FileManager.default.createFile(atPath: path, contents: Data([1])) }
        #expect(StaleTemporaries.sweep(output: root + "/out.csv", remove: false) == [stale])
        #expect(FileManager.default.fileExists(atPath: stale))
        #expect(StaleTemporaries.sweep(output: root + "/out.csv") == [stale])
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
    }

    @Test func aLongOutputNameStillFitsAName() throws {
        let root = try makeTemporaryDirectory().path
        let name = String(repeating: "n", count: 250)
        let file = try AtomicOutputFile(path: root + "/" + name, overwrite: false)
        #expect(file.temporaryPath.split(separator: "/").last!.utf8.count <= 255)
        file.discard()
    }
}
