/// The bytes of a JSON file as UTF-8: plain, or decompressed from `.gz` (concatenated members
/// too) and `.bz2` as they are read — the same streaming decoders XML input uses — so a
/// compressed dump converts in the memory of its largest record, never of the whole file.
enum JSONInput {
    static func open(_ path: String) throws(ConversionError) -> ByteSource {
        UTF8ByteSource(stream: try XMLCompression.open(path))
    }
}
