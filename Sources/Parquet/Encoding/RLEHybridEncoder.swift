/// The RLE / bit-packing hybrid encoding used for definition levels and dictionary
/// indices (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid").
///
/// Runs of 8 or more equal values become RLE runs; everything else is bit-packed in
/// groups of 8. A literal run borrows values from the following repeat run so that
/// only the very last group of the page is ever padded.
enum RLEHybridEncoder {
    /// Literal runs are capped at 63 groups so the run header fits one byte, as the
    /// reference implementations do.
    static let maxLiteralGroups = 63

    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
    ) {
        let n = values.count
        guard n > 0 else { return }
        var literalStart = 0
        var i = 0
        while i < n {
            let value = values[i]
            var j = i &+ 1
            while j < n && values[j] == value { j &+= 1 }
            let run = j &- i
            if run >= 8 {
                let literalCount = i &- literalStart
                var repeatCount = run
                if literalCount > 0 {
                    let borrowed = Swift.min((8 &- literalCount % 8) % 8, run)
                    writeLiterals(values, literalStart..<(i &+ borrowed), bitWidth: bitWidth, into: &out)
                    repeatCount &-= borrowed
                }
                if repeatCount > 0 { writeRepeat(UInt64(value), count: repeatCount, bitWidth: bitWidth, into: &out) }
                literalStart = j
            }
            i = j
        }
        if literalStart < n {
            writeLiterals(values, literalStart..<n, bitWidth: bitWidth, into: &out)
        }
    }

    @inline(__always)
    private static func writeRepeat(_ value: UInt64, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        out.appendULEB128(UInt64(count) << 1)
        let byteCount = (bitWidth + 7) / 8
        for b in 0..<byteCount { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * b))) }
    }

    /// Bit-packs `range` in groups of 8 (the final group padded with zeros).
    private static func writeLiterals<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, _ range: Range<Int>, bitWidth: Int, into out: inout [UInt8]
    ) {
        var start = range.lowerBound
        while start < range.upperBound {
            let remaining = range.upperBound - start
            let groups = Swift.min((remaining + 7) / 8, maxLiteralGroups)
            let count = Swift.min(groups * 8, remaining)
            out.appendULEB128(UInt64(groups) << 1 | 1)
            BitPacker.pack(values, start..<(start + count), paddedTo: groups * 8, bitWidth: bitWidth, into: &out)
            start += count
        }
    }
}

/// Packs unsigned values LSB-first into a byte stream.
enum BitPacker {
    static func pack<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, _ range: Range<Int>, paddedTo total: Int, bitWidth: Int,
        into out: inout [UInt8]
    ) {
        let byteCount = (total * bitWidth + 7) / 8
        let base = out.count
        out.append(contentsOf: repeatElement(0, count: byteCount))
        guard bitWidth > 0 else { return }
        out.withUnsafeMutableBufferPointer { buffer in
            let dst = buffer.baseAddress! + base
            var accumulator: UInt64 = 0
            var bits = 0
            var position = 0
            for index in range {
                accumulator |= UInt64(values[index]) << UInt64(bits)
                bits &+= bitWidth
                while bits >= 8 {
                    dst[position] = UInt8(truncatingIfNeeded: accumulator)
                    position &+= 1
                    accumulator >>= 8
                    bits &-= 8
                }
                // Values wider than 56 bits can overflow the accumulator; they never occur
                // here (levels and dictionary indices are at most 32 bits wide).
            }
            if bits > 0 { dst[position] = UInt8(truncatingIfNeeded: accumulator) }
        }
    }
}
