import FormatKit
/// The bytes of a JSON file as UTF-8: plain, or decompressed from `.gz` (concatenated members
/// too), `.bz2` and `.zst` as they are read (`InputCompression`, shared with CSV and XML), so a
/// compressed dump converts in the memory of its largest record, never of the whole file.
enum JSONInput {
    static func open(_ path: String) throws(ConversionError) -> ByteSource {
        UTF8ByteSource(stream: try InputCompression.open(path))
    }
}
