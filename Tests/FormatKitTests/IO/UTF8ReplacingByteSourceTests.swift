import TestSupport
import Columnar
import Foundation
import Testing
@testable import FormatKit

@Suite struct UTF8ReplacingByteSourceTests {
    /// Reads the whole source through reads of `chunk` bytes (small, to cut characters).
    private func decode(_ bytes: [UInt8], chunk: Int) throws -> (String, UTF8ReplacingByteSource) {
        let dir = try makeTemporaryDirectory()
        let source = UTF8ReplacingByteSource(stream: try InputCompression.open(try writeFile(dir, "t.csv", bytes)))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { raw throws(ConversionError) in try source.read(into: raw) }
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return (String(decoding: out, as: UTF8.self), source)
    }

    @Test func validCharactersCutByReadsPassThrough() throws {
        let text = String(repeating: "café ünï 日本 🎉\n", count: 50)
        for chunk in [16, 17, 31, 4096] {
            let (decoded, source) = try decode(Array(text.utf8), chunk: chunk)
            #expect(decoded == text)
            #expect(source.replacements == 0)
            #expect(source.warning(path: "t.csv") == nil)
        }
    }

    @Test func eachInvalidByteBecomesOneReplacementCharacter() throws {
        let bytes = Array("a\nb\ncaf".utf8) + [0xE9] + Array("\nok ".utf8) + [0xFF, 0xC3] + Array("é\n".utf8)
        for chunk in [16, 4096] {
            let (decoded, source) = try decode(bytes, chunk: chunk)
            #expect(decoded == "a\nb\ncaf\u{FFFD}\nok \u{FFFD}\u{FFFD}é\n")
            #expect(source.replacements == 3)
            #expect(source.firstReplacement?.line == 3)
            #expect(source.firstReplacement?.byteOffset == 7)
        }
    }

    @Test func aCharacterCutByTheEndOfTheFileIsReplaced() throws {
        let (decoded, source) = try decode(Array("x,".utf8) + [0xE6, 0x97], chunk: 64)
        #expect(decoded == "x,\u{FFFD}\u{FFFD}")
        #expect(source.replacements == 2)
    }
}
