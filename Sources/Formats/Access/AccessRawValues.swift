/// Access values decoded from their stored bytes where libmdb's own formatting loses
/// information (it rounds Decimal to the wrong scale and drops a GUID's last dash).
enum AccessRawValues {
    /// Bytes of a stored Decimal (Jet 4 / ACE "numeric"): a sign byte (0x80 = negative)
    /// then a 128-bit magnitude as four 32-bit little-endian words, most significant word first.
    static let numericSize = 17
    /// Bytes of a stored GUID (Replication ID).
    static let guidSize = 16

    /// The unscaled value of a stored Decimal, or nil when its magnitude has more digits
    /// than `precision` (at most 38, what a Parquet decimal holds): a damaged value.
    static func numeric(_ raw: UnsafeRawBufferPointer, precision: Int) -> Int128? {
        guard raw.count == numericSize, (1...38).contains(precision) else { return nil }
        var magnitude: UInt128 = 0
        for word in 0..<4 {
            let base = 1 + word * 4
            var value: UInt32 = 0
            for byte in (0..<4).reversed() { value = value << 8 | UInt32(raw[base + byte]) }
            magnitude = magnitude << 32 | UInt128(value)
        }
        var limit: UInt128 = 1
        for _ in 0..<precision { limit *= 10 }
        guard magnitude < limit else { return nil }
        let value = Int128(magnitude)
        return raw[0] & 0x80 != 0 ? -value : value
    }

    /// A stored GUID in Access's canonical text, `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`:
    /// the first three groups are little-endian integers, the last eight bytes as stored.
    static func guid(_ raw: UnsafeRawBufferPointer) -> String? {
        guard raw.count == guidSize else { return nil }
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = [UInt8(ascii: "{")]
        for index in order {
            if index < 0 {
                text.append(UInt8(ascii: "-"))
                continue
            }
            text.append(digits[Int(raw[index] >> 4)])
            text.append(digits[Int(raw[index] & 0x0F)])
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }
}
