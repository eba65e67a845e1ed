@testable import PDFFormat
import Testing

@Suite struct PDFCrossReferenceTests {
    @Test func classicTableAndTrailer() throws {
        let text = """
            %PDF-1.4
            1 0 obj << /Type /Catalog >> endobj
            xref
            0 2
            0000000000 65535 f\r
            0000000009 00000 n\r
            trailer << /Size 2 /Root 1 0 R >>
            startxref
            45
            %%EOF
            """
        let xrefAt = text.utf8.count - Array(text.utf8).count + (text.range(of: "xref\n0 2").map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0)
        let fixed = text.replacingOccurrences(of: "startxref\n45", with: "startxref\n\(xrefAt)")
        let xref = try withPDFBytes(fixed) { try PDFCrossReferenceReader.read($0) }
        #expect(xref.entries[1] == .offset(9, generation: 0))
        #expect(xref.entries[0] == .free)
        #expect(xref.trailer["Root"] == .reference(PDFReference(1, 0)))
    }

    @Test func crossReferenceStreamEntries() throws {
        // /W [1 2 1]: a free entry, an offset, an object in object stream 5 at index 3.
        let data: [UInt8] = [0, 0, 0, 0xFF, 1, 0x01, 0x00, 0, 2, 0, 5, 3]
        let dictionary = PDFDictionary(["W": .array([.int(1), .int(2), .int(1)]), "Index": .array([.int(10), .int(3)])])
        let entries = try PDFCrossReferenceReader.streamEntries(dictionary, data, location: "test")
        #expect(entries[10] == .free)
        #expect(entries[11] == .offset(256, generation: 0))
        #expect(entries[12] == .compressed(stream: 5, index: 3))
    }

    @Test func pngUpPredictorAsXrefStreamsUseIt() throws {
        // Two rows of 2 columns with the Up filter (type 2): the second row adds the first.
        let encoded: [UInt8] = [2, 1, 2, 2, 1, 1]
        let parms = PDFDictionary(["Predictor": .int(12), "Columns": .int(2)])
        #expect(try PDFFilters.predict(encoded, parms: parms, location: "test") == [1, 2, 2, 3])
    }

    @Test func reconstructionFindsObjectsAndTheLastTrailer() throws {
        let text = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n2 0 obj (old) endobj\n2 0 obj (new) endobj\ntrailer << /Root 1 0 R >>\n"
        let xref = withPDFBytes(text) { PDFCrossReferenceReader.reconstruct($0) }
        #expect(xref.entries[1] == .offset(9, generation: 0))
        let second = text.range(of: "2 0 obj (new)")!.lowerBound
        #expect(xref.entries[2] == .offset(text.utf8.distance(from: text.startIndex, to: second), generation: 0))
        #expect(xref.trailer["Root"] == .reference(PDFReference(1, 0)))
        #expect(xref.reconstructed)
    }
}
