import Platform

/// A window of decoded input: `bytes[start ..< end]` is read but not yet consumed.
/// Refilling moves the unconsumed tail to the front, so a record is always contiguous.
final class ChunkBuffer {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    private(set) var end = 0
    private(set) var exhausted = false
    /// Bytes dropped from the front by compaction: `bytes[k]` is byte `discarded + k` of the text.
    private(set) var discarded: Int64 = 0
    private let source: ByteSource
    /// The largest the buffer may grow to: a record must fit in it (`--max-record-bytes`).
    let limit: Int

    init(source: ByteSource, capacity: Int, limit: Int = ResourceLimits.defaultMaxRecordBytes) {
        self.source = source
        self.limit = Swift.max(limit, 1 << 16)
        self.capacity = Swift.min(capacity, self.limit)
        bytes = .allocate(capacity: self.capacity)
    }

    deinit { bytes.deallocate() }

    var unconsumed: Int { end - start }

    /// No room to read more (refills stop a few bytes short of the capacity).
    var isFull: Bool { capacity - end < 16 }

    /// Compacts and reads until the buffer is full or the input ends.
    func refill() throws(ConversionError) {
        if start > 0 {
            discarded += Int64(start)
            let remaining = end - start
            if remaining > 0 { memmove(bytes, bytes + start, remaining) }
            start = 0
            end = remaining
        }
        // Transcoding sources need room for a few output bytes per input byte.
        while capacity - end >= 16 && !exhausted {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: bytes + end, count: capacity - end))
            if n == 0 { exhausted = true } else { end += n }
        }
    }

    /// Doubles the capacity (up to `limit`), for a record larger than the buffer; false
    /// when the buffer is already at its limit, so the record is too large to read.
    func grow() -> Bool {
        guard capacity < limit else { return false }
        let doubled = Swift.min(capacity * 2, limit)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: doubled)
        larger.update(from: bytes + start, count: end - start)
        discarded += Int64(start)
        bytes.deallocate()
        bytes = larger
        end -= start
        start = 0
        capacity = doubled
        return true
    }
}
