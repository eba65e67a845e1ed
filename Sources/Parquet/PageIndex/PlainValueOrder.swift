/// Compares two PLAIN-encoded values in the order the column's type defines (the
/// TYPE_ORDER every written column declares).
enum PlainValueOrder {
    /// Negative, zero or positive as `a` sorts before, with or after `b`.
    static func compare(_ a: [UInt8], _ b: [UInt8], type: PhysicalType) -> Int {
        switch type {
        case .int32 where a.count == 4 && b.count == 4:
            return three(Int32(bitPattern: littleEndian(a)), Int32(bitPattern: littleEndian(b)))
        case .int64 where a.count == 8 && b.count == 8:
            return three(Int64(bitPattern: littleEndian(a)), Int64(bitPattern: littleEndian(b)))
        case .double where a.count == 8 && b.count == 8:
            return three(Double(bitPattern: littleEndian(a)), Double(bitPattern: littleEndian(b)))
        case .float where a.count == 4 && b.count == 4:
            return three(Float(bitPattern: littleEndian(a)), Float(bitPattern: littleEndian(b)))
        case .fixedLenByteArray where !a.isEmpty && a.count == b.count:
            // Decimals: big-endian two's complement, so the first byte is signed.
            let first = three(Int8(bitPattern: a[0]), Int8(bitPattern: b[0]))
            return first != 0 ? first : unsignedLexicographic(a[1...], b[1...])
        default:
            return unsignedLexicographic(a[...], b[...])
        }
    }

    private static func three<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : a > b ? 1 : 0 }

    private static func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_ bytes: [UInt8]) -> T {
        var value: T = 0
        for (i, byte) in bytes.prefix(MemoryLayout<T>.size).enumerated() { value |= T(byte) << (8 * i) }
        return value
    }

    private static func unsignedLexicographic(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return three(a.count, b.count)
    }
}
