extension Array where Element == UInt8 {
    /// Appends the raw little-endian bytes of fixed-width values (x86-64 and arm64 are little-endian).
    @inline(__always)
    mutating func appendRaw<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>) {
        append(contentsOf: UnsafeRawBufferPointer(values))
    }

    @inline(__always)
    mutating func appendLittleEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendLittleEndian(_ value: Int32) {
        appendLittleEndian(UInt32(bitPattern: value))
    }

    @inline(__always)
    mutating func appendULEB128(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    /// Overwrites 4 bytes at `offset` with a little-endian value (used for length prefixes).
    mutating func storeLittleEndian(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }
}

/// Bits needed to represent `value` (0 for 0).
@inline(__always)
func bitWidth(of value: UInt64) -> Int {
    value == 0 ? 0 : 64 - value.leadingZeroBitCount
}
