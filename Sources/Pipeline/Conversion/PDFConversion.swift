import Platform
import FormatKit
import PDFFormat

/// `pyforge convert file.pdf [out.txt]`: the selected pages' text, written atomically.
enum PDFConversion {
    static func convert(
        _ request: ConvertRequest, outputPath: String, progress: ProgressCounter?
    ) throws(ConversionError) -> ConversionResult {
        let started = monotonicSeconds()
        let extractor = try PDFTextExtractor(path: request.inputPath, password: request.pdf.password)
        let numbers: [Int]
        do throws(PDFError) {
            numbers = try request.pdf.pages?.pages(of: extractor.pages.count) ?? Array(1...extractor.pages.count)
        } catch {
            throw error.conversionError(path: request.inputPath)
        }
        let file = try AtomicOutputFile(path: outputPath, overwrite: request.force)
        let sink = SampleSink(file)
        var lines = 0, characters = 0
        var empty: [Int] = []
        func write(_ text: String) throws(ConversionError) {
            try sink.append(text)
            lines += text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        do throws(ConversionError) {
            let inputBytes = fileSize(request.inputPath)  // once, not per page
            for (i, number) in numbers.enumerated() {
                let text = try extractor.text(ofPage: number)
                if text.isEmpty { empty.append(number) }
                if request.pdf.pageMarkers {
                    try write("--- Page \(number) ---\n")
                } else if i > 0 {
                    try write("\n")  // a blank line between pages, as PyForge 1.x wrote
                }
                try write(text)
                if request.pdf.pageMarkers { try write("--- End Page \(number) ---\n") }
                characters += text.unicodeScalars.count
                progress?.setBytesRead(inputBytes * Int64(i + 1) / Int64(numbers.count))
                progress?.addRows(1)
            }
            try sink.flush()
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
        var warnings = extractor.warnings
        if !empty.isEmpty {
            let list = empty.prefix(20).map(String.init).joined(separator: ", ") + (empty.count > 20 ? ", …" : "")
            warnings.append("\(empty.count == 1 ? "Page" : "Pages") \(list) \(empty.count == 1 ? "has" : "have") no extractable text (scanned pages are images; pyforge does no OCR).")
        }
        return ConversionResult(
            input: request.inputPath, output: outputPath, inputFormat: "pdf", format: OutputFormat.text.rawValue,
            rows: lines, columns: [], bytesIn: fileSize(request.inputPath), bytesOut: fileSize(outputPath),
            seconds: monotonicSeconds() - started, engine: "core", warnings: warnings,
            details: [
                "pages": String(numbers.count), "pages_in_document": String(extractor.pages.count),
                "lines": String(lines), "characters": String(characters), "pdf_version": extractor.document.version,
            ])
    }
}
