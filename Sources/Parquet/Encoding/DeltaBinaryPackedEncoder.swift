/// DELTA_BINARY_PACKED (Encodings.md): a first value, then blocks of 128 deltas, each
/// block split into 4 miniblocks of 32 bit-packed values offset by the block's minimum
/// delta. Sorted or slowly changing integers (ids, timestamps) shrink to a few bits each.
enum DeltaBinaryPackedEncoder {
    static let blockSize = 128
    static let miniblocks = 4
    static let miniblockSize = blockSize / miniblocks

    static func encode<T: FixedWidthInteger & SignedInteger>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        out.appendULEB128(UInt64(blockSize))
        out.appendULEB128(UInt64(miniblocks))
        out.appendULEB128(UInt64(values.count))
        guard let first = values.first else {
            out.appendULEB128(0)
            return
        }
        out.appendULEB128(zigzag(Int64(first)))
        var deltas = [UInt64](repeating: 0, count: blockSize)
        var index = 1
        while index < values.count {
            let count = Swift.min(blockSize, values.count - index)
            // Deltas wrap like the readers' arithmetic does, in the value's own width.
            var minDelta = Int64.max
            for k in 0..<count {
                let delta = Int64(values[index + k] &- values[index + k - 1])
                deltas[k] = UInt64(bitPattern: delta)
                minDelta = Swift.min(minDelta, delta)
            }
            out.appendULEB128(zigzag(minDelta))
            var widths = [UInt8](repeating: 0, count: miniblocks)
            let used = (count + miniblockSize - 1) / miniblockSize
            for m in 0..<used {
                var maxOffset: UInt64 = 0
                for k in (m * miniblockSize)..<Swift.min(count, (m + 1) * miniblockSize) {
                    deltas[k] = deltas[k] &- UInt64(bitPattern: minDelta)
                    maxOffset |= deltas[k]
                }
                widths[m] = UInt8(bitWidth(of: maxOffset))
            }
            // Offsets of the padding slots of the last miniblock are zero.
            for k in count..<(used * miniblockSize) { deltas[k] = 0 }
            out.append(contentsOf: widths)
            for m in 0..<used {
                packWide(deltas, m * miniblockSize, count: miniblockSize, bitWidth: Int(widths[m]), into: &out)
            }
            index += count
        }
    }

    @inline(__always)
    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Bit-packs LSB first with widths up to 64 (a 128-bit accumulator never overflows).
    private static func packWide(_ values: [UInt64], _ start: Int, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        guard bitWidth > 0 else { return }
        var accumulator: UInt128 = 0
        var bits = 0
        for k in start..<(start + count) {
            accumulator |= UInt128(values[k]) << UInt128(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: accumulator)) }
    }
}
