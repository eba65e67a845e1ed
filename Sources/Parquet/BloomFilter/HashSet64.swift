/// A set of 64-bit hashes: open addressing with linear probing over a power-of-two table at
/// most three quarters full. Slot value 0 means empty, so a zero hash is a flag of its own.
/// Hashes are already uniformly mixed, so their low bits pick the slot directly.
struct HashSet64 {
    private var slots: [UInt64]
    private var occupied = 0
    private var hasZero = false

    init(capacity: Int = 1024) {
        slots = Array(repeating: 0, count: capacity)
    }

    var count: Int { occupied + (hasZero ? 1 : 0) }

    mutating func insert(_ hash: UInt64) {
        guard hash != 0 else {
            hasZero = true
            return
        }
        if (occupied + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let present = slots[slot]
            if present == hash { return }
            if present == 0 {
                slots[slot] = hash
                occupied += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    func forEach(_ body: (UInt64) -> Void) {
        if hasZero { body(0) }
        for hash in slots where hash != 0 { body(hash) }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        occupied = 0
        for hash in old where hash != 0 { insert(hash) }
    }
}
