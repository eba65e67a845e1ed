@testable import Pipeline
import TestSupport
import Columnar
import Foundation
import Testing

@testable import FormatKit
@testable import CSVFormat

@Suite struct InputCompressionTests {
    @Test func theSuffixNamesTheDecoderAndTheNameBeforeItTheFormat() {
        #expect(InputCompression.split("a/b.CSV.ZST") == ("a/b.CSV", .zstd))
        #expect(InputCompression.split("b.tsv.gz") == ("b.tsv", .gzip))
        #expect(InputCompression.split("b.xml.bz2") == ("b.xml", .bzip2))
        #expect(InputCompression.split("b.csv") == ("b.csv", .none))
        #expect(InputCompression.split(".zst") == (".zst", .none))
        #expect(InputFormat(path: "x.tsv.zst") == .csv && InputFormat(path: "x.ndjson.bz2") == .json)
        #expect(InputFormat(path: "x.xml.zst") == .xml && InputFormat(path: "x.jsonl.gz") == .json)
        // Binary formats are never compressed inputs.
        #expect(InputFormat(path: "x.parquet.gz") == nil && InputFormat(path: "x.xlsx.zst") == nil)
        #expect(Converter.stem(of: "dir/sales.2024.csv.zst") == "sales.2024")
    }
}
