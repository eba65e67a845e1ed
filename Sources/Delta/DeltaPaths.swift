/// Partition directory names and the relative URIs written as `add.path`.
public enum DeltaPaths {
    static let nullPartition = "__HIVE_DEFAULT_PARTITION__"

    /// A partition directory component: every byte but `A-Za-z0-9-._~` as %XX, as
    /// delta-rs writes it (safe on every file system and in URIs).
    static func escapePartitionComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            out += isUnreserved(byte) ? String(UnicodeScalar(byte)) : "%" + hex(byte)
        }
        return out
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    /// Percent-encodes a relative path as a URI path (`add.path`): unreserved characters
    /// and `/`, `=` stay; everything else, `%` and non-ASCII included, becomes %XX.
    static func uriEncode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let safe = isUnreserved(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
            out += safe ? String(UnicodeScalar(byte)) : "%" + hex(byte)
        }
        return out
    }

    /// Decodes %XX escapes (the inverse of `uriEncode`).
    public static func uriDecode(_ path: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(path.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
