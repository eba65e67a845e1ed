@testable import PDFFormat
import Testing

@Suite struct PDFCMapTests {
    let source = """
        /CIDInit /ProcSet findresource begin 12 dict begin begincmap
        2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange
        2 beginbfchar <41> <0041> <8001> <00660069> endbfchar
        2 beginbfrange <50> <52> <0061> <8100> <8101> [<03B1> <D835DC00>] endbfrange
        endcmap
        """

    @Test func bfcharAndBothBfrangeForms() throws {
        let map = try PDFCMap.parse(Array(source.utf8))
        #expect(map.text(for: 0x41, length: 1) == ["A"])
        #expect(map.text(for: 0x8001, length: 2) == ["f", "i"])
        #expect(map.text(for: 0x51, length: 1) == ["b"])
        #expect(map.text(for: 0x8100, length: 2) == ["α"])
        #expect(map.text(for: 0x8101, length: 2) == ["\u{1D400}"])  // a surrogate pair
        #expect(map.text(for: 0x53, length: 1) == nil)
    }

    @Test func codespaceSplitsMixedLengthCodes() throws {
        let map = try PDFCMap.parse(Array(source.utf8))
        let bytes: [UInt8] = [0x41, 0x80, 0x01, 0x50]
        var codes: [(UInt32, Int)] = []
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let (code, length) = map.code(in: b, at: i)
                codes.append((code, length))
                i += length
            }
        }
        #expect(codes.map(\.0) == [0x41, 0x8001, 0x50])
        #expect(codes.map(\.1) == [1, 2, 1])
    }

    @Test func identityIsTwoBytes() {
        [UInt8]([0x01, 0x02]).withUnsafeBufferPointer { b in
            #expect(PDFCMap.identity.code(in: b, at: 0) == (0x0102, 2))
        }
    }

    @Test func glyphNames() {
        #expect(PDFEncodings.text(forGlyph: "eacute") == ["é"])
        #expect(PDFEncodings.text(forGlyph: "uni00410042") == ["A", "B"])
        #expect(PDFEncodings.text(forGlyph: "u1F600") == ["😀"])
        #expect(PDFEncodings.text(forGlyph: "f_f_i") == ["f", "f", "i"])
        #expect(PDFEncodings.text(forGlyph: "a.sc") == ["a"])
        #expect(PDFEncodings.winAnsi[0x80] == "Euro")
        #expect(PDFEncodings.standard[0x27] == "quoteright")
    }
}
