@testable import PyForgeCore
import Testing

@Suite struct PDFFilterTests {
    @Test func flateDecode() throws {
        let compressed: [UInt8] = [120, 156, 115, 10, 81, 208, 240, 200, 212, 84, 8, 201, 82, 112, 13, 1, 0, 22, 128, 3, 80]
        #expect(try PDFFilters.inflate(compressed, location: "test") == Array("BT (Hi) Tj ET".utf8))
    }

    @Test func flateOutputIsCapped() {
        let compressed: [UInt8] = [120, 156, 115, 10, 81, 208, 240, 200, 212, 84, 8, 201, 82, 112, 13, 1, 0, 22, 128, 3, 80]
        #expect(throws: PDFError.self) { try PDFFilters.inflate(compressed, location: "test", limit: 4) }
    }

    @Test func ascii85AndHex() throws {
        #expect(try PDFFilters.ascii85(Array("87cURD_*#-6q/=~>".utf8), location: "test") == Array("Hello, PDF!".utf8))
        #expect(try PDFFilters.ascii85(Array("z~>".utf8), location: "test") == [0, 0, 0, 0])
        #expect(PDFFilters.asciiHex(Array("48 69 7>".utf8)) == [0x48, 0x69, 0x70])
    }

    @Test func lzwExampleFromTheSpecification() throws {
        // PDF 32000-1 §7.4.4.2: "-----A---B" encodes as 80 0B 60 50 22 0C 0C 85 01.
        let encoded: [UInt8] = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01]
        #expect(try PDFFilters.lzw(encoded, earlyChange: true, location: "test", limit: 1 << 20) == Array("-----A---B".utf8))
    }

    @Test func runLength() throws {
        #expect(try PDFFilters.runLength([2, 65, 66, 67, 254, 120, 128], location: "test", limit: 100) == Array("ABCxxx".utf8))
    }

    @Test func filterChainFromTheDictionary() throws {
        let stream = PDFStream(
            dictionary: PDFDictionary(["Filter": .array([.name("ASCIIHexDecode"), .name("ASCII85Decode")])]),
            data: Array("383763547e3e>".utf8))
        #expect(try PDFFilters.decode(stream, location: "test") == Array("Hel".utf8))
    }

    @Test func imageFiltersAreNamed() {
        #expect(throws: PDFError.self) { try PDFFilters.apply("DCTDecode", to: [1], parms: nil, location: "test") }
    }
}
