import Parquet

/// The Parquet footer reader (`pyforge info` on a .parquet file): the trailer, the footer
/// length and the Thrift compact decoding of FileMetaData, from a file and from bytes.
enum ParquetFooterFuzz {
    static func run(_ bytes: [UInt8]) {
        _ = try? ParquetFooterReader.decodeMetadata(bytes)
        let path = ScratchFile.write(bytes, named: "input.parquet")
        defer { ScratchFile.remove("input.parquet") }
        _ = try? ParquetFooterReader.readMetadata(path: path)
    }
}
