@testable import PDFFormat
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

    private func parms(_ entries: [String: Int]) -> PDFDictionary {
        PDFDictionary(entries.mapValues { PDFObject.int($0) })
    }

    @Test func predictorRowLongerThanTheDataIsDecodedFromTheDataAlone() throws {
        // One PNG Sub row, 1 MB long by /Columns, holding 3 bytes: no 1 MB buffers.
        let decoded = try PDFFilters.predict([1, 1, 1, 1], parms: parms(["Predictor": 11, "Columns": 1_000_000]), location: "test")
        #expect(decoded == [1, 2, 3])
    }

    @Test func predictorRowsBeyondTheStreamLimitAreRefused() {
        for columns in [1 << 24, Int.max / 2] {
            let p = parms(["Predictor": 12, "Columns": columns, "Colors": 32, "BitsPerComponent": 16])
            #expect { try PDFFilters.predict([0, 1], parms: p, location: "test") } throws: { error in
                guard case .limit(_, let reason) = error as? PDFError else { return false }
                return reason.contains("/Columns \(columns)")
            }
        }
        // The limit is the stream's: a smaller one refuses shorter rows.
        #expect(throws: PDFError.self) { try PDFFilters.predict([0, 1], parms: parms(["Predictor": 12, "Columns": 64]), location: "test", limit: 32) }
    }

    @Test func decodeParametersOutsideTheirRangeAreNamed() throws {
        let cases: [([String: Int], String)] = [
            (["Predictor": 7], "/Predictor 7"), (["Predictor": 12, "Colors": 0], "/Colors 0"),
            (["Predictor": 12, "Colors": 33], "/Colors 33"), (["Predictor": 12, "BitsPerComponent": 3], "/BitsPerComponent 3"),
            (["Predictor": 12, "Columns": 0], "/Columns 0"),
        ]
        for (entries, named) in cases {
            #expect { try PDFFilters.predict([0, 1], parms: parms(entries), location: "test") } throws: { error in
                (error as? PDFError)?.description.contains(named) == true
            }
        }
        #expect { try PDFFilters.apply("LZWDecode", to: [0x80], parms: parms(["EarlyChange": 2]), location: "test") } throws: { error in
            (error as? PDFError)?.description.contains("/EarlyChange 2") == true
        }
        // Predictor 1 (and below) means none: the data passes unchanged.
        #expect(try PDFFilters.predict([7, 8], parms: parms(["Predictor": 1, "Columns": -1]), location: "test") == [7, 8])
    }
}
