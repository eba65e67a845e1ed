import TestSupport
import Foundation
import Testing

@testable import CSVFormat
@testable import FormatKit
@testable import Pipeline
import PDFFormat

/// Every input format is one registry entry, found by each of its extensions, and every entry
/// describes (`inspect`) and opens a file of its format.
@Suite struct FormatRegistryTests {
    @Test func everyInputFormatHasExactlyOneEntryInListingOrder() {
        // A case added to InputFormat without a registration fails here.
        #expect(FormatRegistry.formats.map(\.format) == InputFormat.allCases)
        for format in InputFormat.allCases {
            #expect(format.registered.format == format)
            // `info` prints the name; `validate` reports a file it cannot read by the key's raw value.
            #expect(format.registered.name == format.rawValue)
        }
    }

    @Test func everyListedExtensionMapsToItsFormatInAnyCase() {
        for registered in FormatRegistry.formats {
            #expect(!registered.extensions.isEmpty, "\(registered.name) lists no extension")
            for ext in registered.extensions {
                #expect(ext == ext.lowercased() && ext.hasPrefix("."), "\(registered.name): \(ext)")
                #expect(InputFormat(path: "dir/data" + ext) == registered.format, "\(ext)")
                #expect(InputFormat(path: "DATA" + ext.uppercased()) == registered.format, "\(ext) in upper case")
            }
        }
        let all = FormatRegistry.formats.flatMap(\.extensions)
        #expect(Set(all).count == all.count, "an extension is registered twice")
    }

    @Test func compressionSuffixesApplyToTextFormatsOnly() {
        // Every plain extension of a text format takes a suffix, listed or not.
        #expect(InputFormat(path: "notes.txt.gz") == .csv)
        #expect(InputFormat(path: "table.tab.zst") == .csv)
        #expect(InputFormat(path: "rows.NDJSON.BZ2") == .json)
        for registered in FormatRegistry.formats where !registered.extensions.contains(where: { $0.hasSuffix(".gz") }) {
            for ext in registered.extensions {
                #expect(InputFormat(path: "data" + ext + ".gz") == nil, "\(ext).gz")
            }
        }
        #expect(InputFormat(path: "data.gz") == nil)
        #expect(InputFormat(path: ".zst") == nil)
        #expect(InputFormat(path: "data.xyz") == nil)
        #expect(InputFormat(path: "csv") == nil)
    }

    @Test func whatEachFormatConvertsToFollowsItsContent() {
        #expect(InputFormat.pdf.outputs == [.text] && InputFormat.pdf.defaultOutput == .text)
        #expect(InputFormat.parquet.outputs.isEmpty && InputFormat.parquet.defaultOutput == .parquet)
        #expect(InputFormat.excel.outputs == [.parquet, .csv, .json, .ndjson, .delta])
        #expect(ConvertOption.previewSchema.inputs == [.csv, .json, .xml, .excel, .dbase, .access])
        #expect(InputFormat.dbase.displayName == "dBase" && InputFormat.excel.displayName == "Excel")
    }

    /// A file of each registered format: `inspect` describes it under the format's name, and
    /// `open` reads it as a table (table formats) or refuses with the sentence the CLI prints.
    @Test func everyRegisteredFormatInspectsAndOpensAFileOfItsFormat() throws {
        let directory = try makeTemporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let request = ConvertRequest(inputPath: "")
        for registered in FormatRegistry.formats {
            let path = try sample(of: registered.format, in: directory)
            #expect(registered.claims(path))
            let info = try registered.inspect(path, request)
            #expect(info.format == registered.name)
            #expect(info.rows > 0, "\(registered.name): \(info.rows) rows")
            switch registered.content {
            case .table:
                let reader = try registered.open(FormatInput(path: path), request).openReader(schema: nil, progress: nil)
                guard case .batch(let batch) = try reader.next() else {
                    Issue.record("\(registered.name): no batch")
                    continue
                }
                #expect(batch.rowCount > 0)
                #expect(reader.schema.fields.map(\.name) == info.columns.map(\.name))
            case .text, .infoOnly:
                let error = #expect(throws: ConversionError.self) { try registered.open(FormatInput(path: path), request) }
                #expect(error?.description.contains("convert") == true || error?.description.contains("inspect") == true)
            }
        }
    }

    @Test func validateRunsAFormatsVerifyBeyondItsInspect() throws {
        let directory = try makeTemporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pdf = try sample(of: .pdf, in: directory)
        let report = FileInspector.validate(path: pdf)
        #expect(report.valid && report.format == "pdf" && report.rows == FileInspector.validate(path: pdf).rows)
        _ = try PDFFormatSupport().verify(path: pdf, options: PDFOptions())
        // A table format's inspect reads every row already: nothing further to verify.
        let csv = try sample(of: .csv, in: directory)
        #expect(try CSVFormatSupport().verify(path: csv, options: CSVOptions()).isEmpty)
        // PDF's verify extracts the text, so a file that is no PDF fails it.
        #expect(throws: ConversionError.self) { try PDFFormatSupport().verify(path: csv, options: PDFOptions()) }
    }

    @Test func theDBaseCompanionFilesAreRefusedAsOutputs() throws {
        let directory = try makeTemporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let table = try sample(of: .dbase, in: directory)
        let memo = String(table.dropLast(4)) + ".dbt"
        FileManager.default.createFile(atPath: memo, contents: Data())
        #expect(InputFormat.dbase.registered.companionRole(memo, table) != nil)
        #expect(InputFormat.csv.registered.companionRole(memo, table) == nil)
        let error = #expect(throws: ConversionError.self) {
            try Converter.resolveOutput(ConvertRequest(inputPath: table, outputPath: memo, format: .csv))
        }
        #expect(error?.description.contains("never overwrites its input or the files it belongs with") == true)
    }

    /// A small file of `format`: a generated sample (Parquet: the CSV sample converted).
    private func sample(of format: InputFormat, in directory: String) throws -> String {
        let kinds: [InputFormat: SampleFormat] = [
            .csv: .csv, .json: .json, .xml: .xml, .excel: .xlsx, .dbase: .dbf, .access: .mdb, .pdf: .pdf,
        ]
        if format == .parquet {
            let csv = try sample(of: .csv, in: directory)
            let output = directory + "/sample.parquet"
            _ = try Converter.convert(ConvertRequest(inputPath: csv, outputPath: output, force: true))
            return output
        }
        let kind = try #require(kinds[format], "no sample for the registered format \(format.rawValue); add one here")
        let path = directory + "/sample." + kind.rawValue
        if !FileManager.default.fileExists(atPath: path) {
            try SampleDatasets.generate(kind, .small, path: path, overwrite: false)
        }
        return path
    }
}
