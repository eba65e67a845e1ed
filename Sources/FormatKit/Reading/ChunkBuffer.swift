import Platform

/// A window of decoded input: `bytes[start ..< end]` is read but not yet consumed.
/// Refilling moves the unconsumed tail to the front, so a record is always contiguous.
public final class ChunkBuffer {
    public private(set) var bytes: UnsafeMutablePointer<UInt8>
    public private(set) var capacity: Int
    public var start = 0
    public private(set) var end = 0
    public private(set) var exhausted = false
    /// Bytes dropped from the front by compaction: `bytes[k]` is byte `discarded + k` of the text.
    public private(set) var discarded: Int64 = 0
    private let source: ByteSource
    /// The largest the buffer may grow to: a record must fit in it (`--max-record-bytes`).
    public let limit: Int

    public init(source: ByteSource, capacity: Int, limit: Int = ResourceLimits.defaultMaxRecordBytes) {
        self.source = source
        self.limit = Swift.max(limit, 1 << 16)
        self.capacity = Swift.min(capacity, self.limit)
        bytes = .allocate(capacity: self.capacity)
    }

    deinit { bytes.deallocate() }

    public var unconsumed: Int { end - start }

    /// No room to read more (refills stop a few bytes short of the capacity).
    public var isFull: Bool { capacity - end < 16 }

    /// Compacts and reads until the buffer is full or the input ends.
    public func refill() throws(ConversionError) {
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
    public func grow() -> Bool {
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
