#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kind of a JSON field value, decided by its first byte.
enum JSONValueKind: UInt8 {
    case null, boolean, integer, number, string, nested
}

/// One field of a record: its kind and where its text is — in the input buffer when it
/// needs no decoding (most strings, every number), else in the record scratch.
struct JSONSlot {
    var kind: JSONValueKind = .null
    var start = 0
    var end = 0
    var present = false
    var inScratch = false
}

/// Parses one object record into per-column slots, flattening nested objects into
/// dotted column names (or keeping them as compact JSON text) and arrays as JSON text.
struct JSONRecordParser {
    let flatten: Bool
    /// Column index by full (dotted) name.
    var columnIndex: [[UInt8]: Int] = [:]
    var names: [[UInt8]] = []
    /// Decoded text of the current record's values.
    var scratch: [UInt8] = []
    var slots: [JSONSlot] = []
    /// The columns the current record has a value for: clearing and inferring visit these
    /// only, so a record costs its own keys, not every column seen so far.
    private(set) var presentColumns: [Int] = []
    private var path: [UInt8] = []
    private var key: [UInt8] = []
    /// The column of the n-th key of the previous record: records usually repeat their
    /// key order, so a byte comparison replaces a hash lookup.
    private var recentColumns: [Int] = []
    private var keyOrdinal = 0

    init(flatten: Bool, names: [String]) {
        self.flatten = flatten
        for name in names { _ = column(named: Array(name.utf8)) }
    }

    /// The column of `path` + `key`, created when first seen (the reader notices new
    /// columns by `names` growing). Records usually repeat their key order, so the n-th
    /// key is first compared with the column the n-th key had last time; the full name is
    /// only assembled on a miss.
    private mutating func column(forKey key: UnsafeBufferPointer<UInt8>) -> Int {
        let ordinal = keyOrdinal
        keyOrdinal += 1
        let prefixLength = path.count
        if ordinal < recentColumns.count {
            let candidate = recentColumns[ordinal]
            let matches = names[candidate].withUnsafeBufferPointer { name -> Bool in
                guard name.count == prefixLength + key.count else { return false }
                if prefixLength > 0 && path.withUnsafeBufferPointer({ memcmp(name.baseAddress!, $0.baseAddress!, prefixLength) }) != 0 {
                    return false
                }
                return key.isEmpty || memcmp(name.baseAddress! + prefixLength, key.baseAddress!, key.count) == 0
            }
            if matches { return candidate }
        }
        path.append(contentsOf: key)
        let index = column(named: path)
        path.removeLast(key.count)
        if ordinal < recentColumns.count { recentColumns[ordinal] = index } else { recentColumns.append(index) }
        return index
    }

    /// Index of a column, created when first seen.
    mutating func column(named name: [UInt8]) -> Int {
        if let index = columnIndex[name] { return index }
        let index = names.count
        names.append(name)
        columnIndex[name] = index
        slots.append(JSONSlot())
        return index
    }

    /// The text of a slot: `input` is the buffer the record was parsed from.
    @inline(__always)
    func text(_ slot: JSONSlot, input: UnsafePointer<UInt8>, scratch: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        slot.inScratch
            ? UnsafeBufferPointer(rebasing: scratch[slot.start..<slot.end])
            : UnsafeBufferPointer(start: input + slot.start, count: slot.end - slot.start)
    }

    /// Parses the object at the scanner's position into `slots`.
    mutating func parse(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) {
        scratch.removeAll(keepingCapacity: true)
        for i in presentColumns { slots[i].present = false }
        presentColumns.removeAll(keepingCapacity: true)
        path.removeAll(keepingCapacity: true)
        keyOrdinal = 0
        try object(&scanner, depth: 0)
    }

    private mutating func object(_ scanner: inout JSONScanner, depth: Int) throws(JSONScanner.Failure) {
        try scanner.expect(UInt8(ascii: "{"), "'{' starting an object")
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position &+= 1
            return
        }
        let pathLength = path.count
        while true {
            scanner.skipWhitespace()
            guard scanner.peek() == 0x22 else { throw JSONScanner.Failure(offset: scanner.position, reason: "expected a key string") }
            // The key in place when it has no escapes, else decoded.
            var keySpan: (start: Int, end: Int)? = try scanner.plainString()
            if keySpan == nil {
                key.removeAll(keepingCapacity: true)
                try scanner.string(into: &key)
            }
            try scanner.expect(UInt8(ascii: ":"), "':' after a key")
            scanner.skipWhitespace()
            let nested = flatten && scanner.peek() == UInt8(ascii: "{") && depth < 64
            if nested {
                if let span = keySpan {
                    path.append(contentsOf: UnsafeBufferPointer(start: scanner.bytes + span.start, count: span.end - span.start))
                } else {
                    path.append(contentsOf: key)
                }
                path.append(UInt8(ascii: "."))
                keySpan = nil
                try object(&scanner, depth: depth + 1)
                path.removeLast(path.count - pathLength)
            } else {
                let index: Int
                if let span = keySpan {
                    index = column(forKey: UnsafeBufferPointer(start: scanner.bytes + span.start, count: span.end - span.start))
                } else {
                    let decoded = key  // a copy: `column(forKey:)` mutates self
                    index = decoded.withUnsafeBufferPointer { column(forKey: $0) }
                }
                try value(&scanner, into: index)
            }
            scanner.skipWhitespace()
            guard let next = scanner.peek() else { throw JSONScanner.Failure(offset: scanner.position, reason: "an object is not closed") }
            scanner.position &+= 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { throw JSONScanner.Failure(offset: scanner.position - 1, reason: "expected ',' or '}'") }
        }
    }

    private mutating func value(_ scanner: inout JSONScanner, into index: Int) throws(JSONScanner.Failure) {
        let start = scratch.count
        let kind: JSONValueKind
        if !slots[index].present { presentColumns.append(index) }
        switch scanner.peek() {
        case 0x22?:
            if let span = try scanner.plainString() {
                slots[index] = JSONSlot(kind: .string, start: span.start, end: span.end, present: true, inScratch: false)
                return
            }
            try scanner.string(into: &scratch)
            kind = .string
        case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
            try scanner.compactValue(into: &scratch)
            kind = .nested
        case UInt8(ascii: "t")?:
            try scanner.literal("true")
            scratch.append(1)
            kind = .boolean
        case UInt8(ascii: "f")?:
            try scanner.literal("false")
            scratch.append(0)
            kind = .boolean
        case UInt8(ascii: "n")?:
            try scanner.literal("null")
            kind = .null
        case nil:
            throw JSONScanner.Failure(offset: scanner.position, reason: "a value is missing")
        default:
            let token = try scanner.number()
            slots[index] = JSONSlot(kind: token.integer ? .integer : .number, start: token.start, end: token.end, present: true)
            return
        }
        // A repeated key: the last value wins, as in JavaScript.
        slots[index] = JSONSlot(kind: kind, start: start, end: scratch.count, present: true, inScratch: true)
    }
}
