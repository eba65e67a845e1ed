import Platform

/// Fixed-width values a dictionary can key by their bit pattern.
protocol DictionaryKey: BitwiseCopyable {
    var dictionaryKey: UInt64 { get }
}

extension Int32: DictionaryKey {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
}
extension Int64: DictionaryKey {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(bitPattern: self) }
}
extension Double: DictionaryKey {
    /// Keyed by bit pattern, so -0.0 and 0.0 (and distinct NaN payloads) stay distinct values.
    @inline(__always) var dictionaryKey: UInt64 { bitPattern }
}

@inline(__always)
private func mix(_ key: UInt64) -> UInt64 {
    var h = key &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    return h
}

/// Maps distinct fixed-width values to dense indices in first-seen order
/// (open addressing, linear probing, load factor ≤ 1/2).
struct FixedWidthDictionary<T: DictionaryKey> {
    private(set) var entries: [T] = []
    private var slotKeys: [UInt64]
    private var slotIndices: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotKeys = Array(repeating: 0, count: size)
        slotIndices = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { entries.count }
    var plainByteSize: Int { entries.count * MemoryLayout<T>.size }

    /// Returns the index of `value`, inserting it when new.
    @inline(__always)
    mutating func index(of value: T) -> UInt32 {
        let key = value.dictionaryKey
        var slot = Int(truncatingIfNeeded: mix(key)) & mask
        while true {
            let index = slotIndices[slot]
            if index < 0 { break }
            if slotKeys[slot] == key { return UInt32(index) }
            slot = (slot &+ 1) & mask
        }
        let newIndex = Int32(entries.count)
        entries.append(value)
        slotKeys[slot] = key
        slotIndices[slot] = newIndex
        if entries.count * 2 > slotKeys.count { grow() }
        return UInt32(newIndex)
    }

    private mutating func grow() {
        let size = slotKeys.count * 2
        var keys = [UInt64](repeating: 0, count: size)
        var indices = [Int32](repeating: -1, count: size)
        let newMask = size - 1
        for i in 0..<entries.count {
            let key = entries[i].dictionaryKey
            var slot = Int(truncatingIfNeeded: mix(key)) & newMask
            while indices[slot] >= 0 { slot = (slot &+ 1) & newMask }
            keys[slot] = key
            indices[slot] = Int32(i)
        }
        slotKeys = keys
        slotIndices = indices
        mask = newMask
    }
}

/// Hashes a byte string 8 bytes at a time.
@inline(__always)
func hashBytes(_ base: UnsafeRawPointer, _ count: Int) -> UInt64 {
    var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: count)
    var i = 0
    while i &+ 8 <= count {
        let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        i &+= 8
    }
    if i < count {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            word |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift &+= 8
            i &+= 1
        }
        h = (h ^ word) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
    }
    return h
}

/// Maps distinct byte strings to dense indices in first-seen order.
struct ByteArrayDictionary {
    private(set) var offsets: [Int32] = [0]
    private(set) var data: [UInt8] = []
    private var slotHashes: [UInt64]
    private var slotIndices: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotHashes = Array(repeating: 0, count: size)
        slotIndices = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { offsets.count - 1 }
    /// Size of the PLAIN-encoded dictionary page (4-byte length prefix per entry).
    var plainByteSize: Int { data.count + 4 * count }

    @inline(__always)
    mutating func index(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let length = bytes.count
        let hash = bytes.baseAddress.map { hashBytes($0, length) } ?? hashBytes(UnsafeRawPointer(bitPattern: 1)!, 0)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = slotIndices[slot]
            if index < 0 { break }
            if slotHashes[slot] == hash && equals(Int(index), bytes) { return UInt32(index) }
            slot = (slot &+ 1) & mask
        }
        let newIndex = Int32(count)
        data.append(contentsOf: bytes)
        offsets.append(Int32(data.count))
        slotHashes[slot] = hash
        slotIndices[slot] = newIndex
        if count * 2 > slotHashes.count { grow() }
        return UInt32(newIndex)
    }

    @inline(__always)
    private func equals(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        guard end - start == bytes.count else { return false }
        if bytes.count == 0 { return true }
        return data.withUnsafeBytes { stored in
            memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    func withEntry<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return data.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    private mutating func grow() {
        let size = slotHashes.count * 2
        var hashes = [UInt64](repeating: 0, count: size)
        var indices = [Int32](repeating: -1, count: size)
        let newMask = size - 1
        for i in 0..<count {
            // Recompute rather than store per-entry hashes: growth is rare.
            let hash = withEntry(i) { entry in
                entry.baseAddress.map { hashBytes($0, entry.count) } ?? hashBytes(UnsafeRawPointer(bitPattern: 1)!, 0)
            }
            var slot = Int(truncatingIfNeeded: hash) & newMask
            while indices[slot] >= 0 { slot = (slot &+ 1) & newMask }
            hashes[slot] = hash
            indices[slot] = Int32(i)
        }
        slotHashes = hashes
        slotIndices = indices
        mask = newMask
    }
}
