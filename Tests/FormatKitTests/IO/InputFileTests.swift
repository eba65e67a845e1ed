import TestSupport
import Foundation
import Testing
@testable import FormatKit

/// Only regular files are inputs: a FIFO would block `open()` and a device never ends.
@Suite struct InputFileTests {
    private func refusal(_ path: String) -> String? {
        do {
            _ = try InputFile(path: path)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let dir = try makeTemporaryDirectory()
        let path = dir.appendingPathComponent("blocked.csv").path
        #expect(mkfifo(path, 0o600) == 0)
        let message = try #require(refusal(path))
        #expect(message.contains("'\(path)'") && message.contains("a FIFO (named pipe), not a regular file"))
        #expect(message.contains("Save the data to a file first"))
    }

    @Test func aCharacterDeviceIsRefused() throws {
        let message = try #require(refusal("/dev/zero"))
        #expect(message.contains("a character device, not a regular file"))
    }

    @Test func aRegularFileOpens() throws {
        let dir = try makeTemporaryDirectory()
        let path = try writeFile(dir, "ok.csv", Array("a\n1\n".utf8))
        #expect(refusal(path) == nil)
    }
}
