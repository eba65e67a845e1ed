import TestSupport
import CZstd
import Foundation
import Testing

@testable import FormatKit


/// Text that compresses well but not trivially: numbered lines.
private func sampleText(lines: Int) -> [UInt8] {
    Array((0..<lines).map { "\($0),name \($0 % 97),\(Double($0) * 0.5)\n" }.joined().utf8)
}

/// Reads `decoder` to the end in chunks of `chunk` bytes.
private func readAll(_ decoder: ZstdDecoder, chunk: Int = 1 << 16) throws -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    while true {
        let n = try decoder.read(into: buffer)
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

/// The error a read to the end throws, if any.
private func failure(_ path: String) -> ConversionError? {
    do {
        _ = try readAll(ZstdDecoder(path: path))
        return nil
    } catch {
        return error as? ConversionError
    }
}

@Suite struct ZstdDecoderTests {
    @Test func oneFrameDecodesToTheOriginalAndCountsEveryCompressedByte() throws {
        let directory = try makeTemporaryDirectory()
        let text = sampleText(lines: 200_000)  // several MiB: many input refills and output calls
        let compressed = zstdFrame(text)
        let path = try writeFile(directory, "a.csv.zst", compressed)
        let decoder = try ZstdDecoder(path: path)
        #expect(try readAll(decoder) == text)
        #expect(decoder.fileBytesRead == Int64(compressed.count))
    }

    @Test func concatenatedFramesAndSkippableFramesReadInSequence() throws {
        let directory = try makeTemporaryDirectory()
        let parts = [sampleText(lines: 1000), Array("".utf8), sampleText(lines: 5)]
        // A skippable frame (magic 0x184D2A50, 4-byte length, payload) between data frames.
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3]
        let bytes = zstdFrame(parts[0]) + skippable + zstdFrame(parts[1]) + zstdFrame(parts[2], level: 19)
        let path = try writeFile(directory, "multi.zst", bytes)
        #expect(try readAll(ZstdDecoder(path: path)) == parts.flatMap { $0 })
    }

    @Test func aOneByteBufferStillGetsEveryByte() throws {
        let directory = try makeTemporaryDirectory()
        let text = sampleText(lines: 300)
        let path = try writeFile(directory, "small.zst", zstdFrame(text) + zstdFrame(text))
        #expect(try readAll(ZstdDecoder(path: path), chunk: 1) == text + text)
    }

    @Test func anEmptyFileIsEmptyInput() throws {
        let directory = try makeTemporaryDirectory()
        let path = try writeFile(directory, "empty.zst", [])
        #expect(try readAll(ZstdDecoder(path: path)) == [])
    }

    @Test func aFrameCutAnywhereIsAnErrorNamingTheFileAndOffset() throws {
        let directory = try makeTemporaryDirectory()
        let whole = zstdFrame(sampleText(lines: 20_000))
        for cut in [1, 5, whole.count / 2, whole.count - 1] {
            let path = try writeFile(directory, "cut\(cut).zst", Array(whole[0..<cut]))
            let error = try #require(failure(path))
            #expect(error.description.contains("cut\(cut).zst"))
            #expect(error.description.contains("compressed byte"))
        }
        // Cut inside the second frame: the first frame's bytes were fine, the error still comes.
        let second = whole + Array(whole[0..<(whole.count / 3)])
        let path = try writeFile(directory, "second.zst", second)
        #expect(failure(path)?.description.contains("ends in the middle of a frame") == true)
    }

    @Test func corruptDataIsAnErrorNotGarbage() throws {
        let directory = try makeTemporaryDirectory()
        var bytes = zstdFrame(sampleText(lines: 5000))
        bytes[0] ^= 0xFF  // not a zstd magic number
        let path = try writeFile(directory, "bad.zst", bytes)
        let error = try #require(failure(path))
        #expect(error.description.contains("bad.zst") && error.description.contains("corrupt"))
        #expect(error.description.contains("compressed byte 0"))
    }

    @Test func aWindowAbove128MiBIsRefusedWithTheFix() throws {
        let directory = try makeTemporaryDirectory()
        // Frame header: no single segment, window descriptor exponent 18 (2^28 bytes), then one raw block "a".
        let bytes: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 18 << 3, 0x09, 0x00, 0x00, 0x61]
        let path = try writeFile(directory, "wide.zst", bytes)
        let error = try #require(failure(path))
        #expect(error.description.contains("128 MiB") && error.description.contains("--long"))
    }
}
