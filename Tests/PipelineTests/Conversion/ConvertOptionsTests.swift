#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import Pipeline
import FormatKit
import CSVFormat
import Testing

@Suite struct ConvertOptionsTests {
    private func decode(_ json: String) throws -> ConvertOptions {
        try JSONDecoder().decode(ConvertOptions.self, from: Data(json.utf8))
    }

    @Test func snakeCaseParametersDecodeToTypedValues() throws {
        let options = try decode("""
            {"format": "TXT", "compression": "zstandard", "delimiter": "\\\\t", "quote": "none", "flatten_strategy": "Aggressive",
             "array_handling": "expand", "namespace_handling": "prefix", "mode": "append", "sheets": ["Orders", " 2 "],
             "tables": "a,b", "pages": "1-3,7", "header": true, "flatten": false, "skip_rows": 2}
            """)
        #expect(options.format == .text)
        #expect(options.compression == .zstd)
        #expect(options.delimiter?.byte == 0x09)
        #expect(options.quote?.byte == .some(nil))
        #expect(options.flattenStrategy == .aggressive)
        #expect(options.arrayHandling == .expand)
        #expect(options.namespaceHandling == .prefix)
        #expect(options.mode == .append)
        #expect(options.excelOptions.sheets == ["Orders", "2"])
        #expect(options.excelOptions.hasHeader == true)
        #expect(options.accessOptions.tables == ["a", "b"])
        #expect(options.pages?.ranges.count == 2)
        #expect(options.jsonOptions.flatten == false)
        #expect(options.given.contains(.noFlatten) && options.given.contains(.header) && options.given.contains(.skipRows))
    }

    @Test func encodingThenDecodingGivesTheSameOptions() throws {
        let original = try decode("""
            {"compression": "gzip", "compression_level": 5, "all_strings": true, "escape": "\\\\", "encoding": "cp866",
             "null_values": ["NA", ""], "row_tag": "a,b", "partition_by": ["y", "m"], "metadata": true, "spark_remote": "sc://h"}
            """)
        let again = try JSONDecoder().decode(ConvertOptions.self, from: JSONEncoder().encode(original))
        #expect(again == original)
        #expect(again.csvOptions.nullValues == ["NA", ""])
        #expect(again.dbaseOptions.encoding != nil)
    }

    @Test func aBadValueIsASentenceNamingTheParameter() {
        for (json, expected) in [
            (#"{"flatten_strategy": "deep"}"#, "'flatten_strategy' must be one of conservative, moderate, aggressive; got 'deep'."),
            (#"{"delimiter": ";;"}"#, "'delimiter' must be a single character"),
            (#"{"compression": "lz4"}"#, "'compression' must be one of snappy, zstd, gzip, none; got 'lz4'."),
            (#"{"skip_rows": "two"}"#, "'skip_rows' must be a whole number."),
            (#"{"force": "yes"}"#, "'force' must be true or false."),
            (#"{"pages": "3-1"}"#, "runs backwards"),
        ] {
            do {
                _ = try decode(json)
                Issue.record("\(json) was accepted")
            } catch let error as ConversionError {
                #expect(error.description.contains(expected), "\(error.description)")
            } catch {
                Issue.record("\(json): \(error)")
            }
        }
    }

    @Test func valuesThatCannotWorkTogetherAreRefusedInTheCallersSpelling() throws {
        var options = ConvertOptions()
        options.recordPath = "a/b"
        options.rowTag = "b"
        #expect(throws: ConversionError.invalidOption("Pass either --record-path or --row-tag, not both.")) {
            try options.validate(name: .flag)
        }
        #expect(throws: ConversionError.invalidOption("Pass either 'record_path' or 'row_tag', not both.")) {
            try options.validate(name: .parameter)
        }
        options = ConvertOptions()
        options.compression = .snappy
        options.compressionLevel = 3
        #expect(throws: ConversionError.self) { try options.validate(name: .flag) }
        options.compression = .zstd
        try options.validate(name: .flag)
        options.mergeSchema = true
        #expect(throws: ConversionError.self) { try options.checkMergeSchema(name: .parameter) }
        options.mode = .append
        try options.checkMergeSchema(name: .parameter)
    }

    @Test func everyCodingKeyIsACLIFlagSpelling() {
        #expect(ConvertOptions.CodingKeys.partitionBy.flag == "--partition-by")
        #expect(ConvertOptions.Naming.flag(.flatten) == "--no-flatten")
        // Every scoped option of ConvertOption's table is a parameter of the schema.
        let keys = Set(ConvertOptions.CodingKeys.allCases.map(\.rawValue))
        for option in ConvertOption.allCases where option != .previewSchema {
            #expect(keys.contains(option.parameterName), "\(option)")
        }
    }

    @Test func formatsListTheOptionsTheirInputTakes() {
        #expect(InputFormat.json.options.contains("--record-path"))
        #expect(InputFormat.csv.options.contains("--max-record-bytes"))
        #expect(!InputFormat.csv.options.contains("--sheets"))
        #expect(InputFormat.parquet.options.isEmpty)
    }
}
