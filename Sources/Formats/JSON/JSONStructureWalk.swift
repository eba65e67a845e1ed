/// A byte-level walk over JSON structure — strings, depth, object keys, where values start —
/// fed a chunk at a time, so a document of any size streams through it in constant memory
/// (but for the key being read and one flag per open container). It does not validate
/// values: the record parser does that for the records; this walk only finds where the
/// records are (`{"items": [ … ]}`) and skips what surrounds them.
struct JSONStructureWalk {
    enum Event {
        /// An object member's key (its raw bytes, escapes as written), at `depth` (the object's).
        case key([UInt8])
        /// A value starts with `byte` (`{`, `[`, `"`, or a scalar's first byte).
        case value(UInt8)
        /// A container closed; `depth` is the depth after it.
        case closed
    }

    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    /// Open containers (a value inside the top-level object is at depth 1).
    private(set) var depth = 0
    /// Newlines passed, for error locations.
    private(set) var newlines = 0
    private var objects: [Bool] = []
    private var inString = false
    private var escaped = false
    private var readingKey = false
    private var key: [UInt8] = []
    /// The last structural byte outside strings (`v` after a scalar or string value).
    private var previous: UInt8 = 0

    /// Nesting deeper than this is refused (a hostile file must not grow the stack).
    static let maximumDepth = 4096
    /// Keys longer than this are not kept whole (no record path names such a key).
    static let maximumKeyBytes = 4096

    init() {}

    /// A walk that starts inside `openObjects` nested objects, just after a member's value
    /// (to skip the rest of the objects around an array of records).
    init(insideObjects openObjects: Int) {
        objects = Array(repeating: true, count: openObjects)
        depth = openObjects
        previous = UInt8(ascii: "v")
    }

    /// Walks `bytes[from..<to]`, calling `handle` with each event and the depth at it. When
    /// `handle` returns false the walk stops and returns the offset just past the event's
    /// byte; it returns nil when every byte was walked.
    mutating func feed(
        _ bytes: UnsafePointer<UInt8>, from: Int, to: Int, _ handle: (Event, Int) throws(Failure) -> Bool
    ) throws(Failure) -> Int? {
        var i = from
        while i < to {
            let c = bytes[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                    previous = UInt8(ascii: "v")
                    if readingKey {
                        readingKey = false
                        if try !handle(.key(key), depth) { return i + 1 }
                    }
                    i += 1
                    continue
                }
                if c == 0x0A { newlines += 1 }
                if readingKey && key.count < Self.maximumKeyBytes { key.append(c) }
                i += 1
                continue
            }
            switch c {
            case 0x20, 0x09, 0x0D:
                break
            case 0x0A:
                newlines += 1
            case UInt8(ascii: "\""):
                inString = true
                if objects.last == true && (previous == UInt8(ascii: "{") || previous == UInt8(ascii: ",")) {
                    readingKey = true
                    key.removeAll(keepingCapacity: true)
                } else if try !handle(.value(c), depth) {
                    return i + 1
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < Self.maximumDepth else {
                    throw Failure(offset: i, reason: "the JSON is nested more than \(Self.maximumDepth) levels deep")
                }
                let stop = try !handle(.value(c), depth)
                objects.append(c == UInt8(ascii: "{"))
                depth += 1
                previous = c
                if stop { return i + 1 }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let isObject = objects.popLast(), isObject == (c == UInt8(ascii: "}")) else {
                    throw Failure(offset: i, reason: "'\(Character(Unicode.Scalar(c)))' closes nothing that is open")
                }
                depth -= 1
                previous = UInt8(ascii: "v")
                if try !handle(.closed, depth) { return i + 1 }
            case UInt8(ascii: ":"), UInt8(ascii: ","):
                previous = c
            default:
                // The first byte of a number or literal starts a value; the rest continue it.
                if previous != UInt8(ascii: "v") {
                    previous = UInt8(ascii: "v")
                    if try !handle(.value(c), depth) { return i + 1 }
                }
            }
            i += 1
        }
        return nil
    }
}
