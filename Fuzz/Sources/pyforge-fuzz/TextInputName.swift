/// The file name a text input is written under: a compressed input (by its magic bytes)
/// gets the suffix that sends it through its decoder first, as `data.csv.gz` would.
enum TextInputName {
    static func name(_ stem: String, for bytes: [UInt8]) -> String {
        if bytes.starts(with: [0x1F, 0x8B]) { return stem + ".gz" }
        if bytes.starts(with: [0x42, 0x5A, 0x68]) { return stem + ".bz2" }
        if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return stem + ".zst" }
        return stem
    }
}
