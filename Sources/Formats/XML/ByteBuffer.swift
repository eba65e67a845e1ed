import Platform

/// A growable byte buffer for the XML hot path: appends are a capacity check and a
/// memcpy (Array's generic append(contentsOf:) costs more for the many short values).
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1 << 12) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        if count + n > capacity { grow(to: count + n) }
        if n > 0 { memcpy(base + count, bytes.baseAddress!, n) }
        count += n
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    func append(_ text: String) {
        for byte in text.utf8 { append(byte) }
    }

    @inline(__always)
    subscript(_ index: Int) -> UInt8 { base[index] }

    var last: UInt8? { count > 0 ? base[count - 1] : nil }

    @inline(__always)
    func bytes(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: end - start)
    }

    var all: UnsafeBufferPointer<UInt8> { bytes(0, count) }

    @inline(__always)
    func truncate(to length: Int) { count = length }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }
}
