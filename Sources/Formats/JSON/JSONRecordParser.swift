import Platform
import FormatKit

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
    /// Column index by key path: the keys joined by 0xFF, a byte UTF-8 never holds, so the
    /// key "a.b" and the nested keys a → b are different columns.
    var columnIndex: [[UInt8]: Int] = [:]
    var paths: [[UInt8]] = []
    /// Column names: the keys joined by '.', made distinct by `ColumnNames`' rule when two
    /// paths give the same name (the second "a.b" column is "a.b_1", with a warning).
    var names: [[UInt8]] = []
    private var distinctNames = ColumnNames()
    /// The columns of a schema given in advance (a re-read), by name: paths are matched to
    /// them as they appear, in the same order as in the first read, so the same renames recur.
    private var presetColumns: [[UInt8]: Int] = [:]
    /// Decoded text of the current record's values.
    var scratch: [UInt8] = []
    var slots: [JSONSlot] = []
    /// The columns the current record has a value for: clearing and inferring visit these
    /// only, so a record costs its own keys, not every column seen so far.
    private(set) var presentColumns: [Int] = []
    private var path: [UInt8] = []
    private var key: [UInt8] = []
    /// A key the current record holds twice (the column of the first such key): only the last
    /// value is kept, as in JavaScript and Python, so the reader warns.
    private(set) var repeatedKey: Int?
    /// The column of the n-th key of the previous record: records usually repeat their
    /// key order, so a byte comparison replaces a hash lookup.
    private var recentColumns: [Int] = []
    private var keyOrdinal = 0

    init(flatten: Bool, names: [String]) {
        self.flatten = flatten
        for name in names {
            presetColumns[Array(name.utf8)] = self.names.count
            self.names.append(Array(name.utf8))
            paths.append([])  // not seen yet: never a `recentColumns` candidate
            slots.append(JSONSlot())
        }
    }

    static let pathSeparator: UInt8 = 0xFF

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
            let matches = paths[candidate].withUnsafeBufferPointer { name -> Bool in
                guard name.count == prefixLength + key.count else { return false }
                if prefixLength > 0 && path.withUnsafeBufferPointer({ memcmp(name.baseAddress!, $0.baseAddress!, prefixLength) }) != 0 {
                    return false
                }
                return key.isEmpty || memcmp(name.baseAddress! + prefixLength, key.baseAddress!, key.count) == 0
            }
            if matches { return candidate }
        }
        path.append(contentsOf: key)
        let index = column(path: path)
        path.removeLast(key.count)
        if ordinal < recentColumns.count { recentColumns[ordinal] = index } else { recentColumns.append(index) }
        return index
    }

    /// Index of the column of a key path, created when first seen.
    mutating func column(path: [UInt8]) -> Int {
        if let index = columnIndex[path] { return index }
        let joined = String(decoding: path.map { $0 == Self.pathSeparator ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
        let name = Array(distinctNames.distinct(joined, position: columnIndex.count).utf8)
        let index: Int
        if let preset = presetColumns[name] {
            index = preset
            paths[index] = path
        } else {
            index = names.count
            names.append(name)
            paths.append(path)
            slots.append(JSONSlot())
        }
        columnIndex[path] = index
        seenOrder.append(index)
        return index
    }

    /// Columns in the order their paths were first seen (the positions `distinctNames` knows).
    private var seenOrder: [Int] = []

    /// The warning for key paths that flatten to the same name, naming both.
    func clashWarning(in file: String) -> String? {
        distinctNames.warning(in: file) { position in
            let keys = paths[seenOrder[position]].split(separator: Self.pathSeparator, omittingEmptySubsequences: false)
            let shown = keys.map { "\"\(String(decoding: $0, as: UTF8.self))\"" }.joined(separator: " > ")
            return keys.count == 1 ? "the key \(shown)" : "the nested keys \(shown)"
        }
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
        repeatedKey = nil
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
                path.append(Self.pathSeparator)
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
        if slots[index].present && repeatedKey == nil { repeatedKey = index }
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
