import Testing

@testable import JSONFormat
@testable import Pipeline  // SplitMix64, the sample generator's PRNG

/// The structure walk must see the same events whatever the chunk boundaries are: the
/// reader feeds it 8 MiB windows, so a key, an escape or a bracket can be cut anywhere.
@Suite struct JSONStructureWalkTests {
    /// Events as text, e.g. "value { 0", "key a 1", "closed 0", fed in pieces cut at `cuts`.
    func events(_ text: String, cuts: [Int] = []) throws -> [String] {
        let bytes = Array(text.utf8)
        var walk = JSONStructureWalk()
        var seen: [String] = []
        var pieces: [(Int, Int)] = []
        var start = 0
        for cut in cuts.sorted() where cut > start && cut < bytes.count {
            pieces.append((start, cut))
            start = cut
        }
        pieces.append((start, bytes.count))
        try bytes.withUnsafeBufferPointer { buffer in
            for (from, to) in pieces {
                _ = try walk.feed(buffer.baseAddress!, from: from, to: to) { event, depth in
                    switch event {
                    case .key(let key): seen.append("key \(String(decoding: key, as: UTF8.self)) \(depth)")
                    case .value(let byte): seen.append("value \(Character(Unicode.Scalar(byte))) \(depth)")
                    case .closed: seen.append("closed \(depth)")
                    }
                    return true
                }
            }
        }
        return seen
    }

    let document = #"{"a\"b": [{"k": "x,]}"}, 12, true], "n": {"m": null}}"#

    @Test func eventsOfADocument() throws {
        #expect(try events(document) == [
            "value { 0", #"key a\"b 1"#, "value [ 1", "value { 2", "key k 3", #"value " 3"#, "closed 2",
            "value 1 2", "value t 2", "closed 1", "key n 1", "value { 1", "key m 2", "value n 2", "closed 1", "closed 0",
        ])
    }

    @Test func everyChunkBoundaryGivesTheSameEvents() throws {
        let whole = try events(document)
        for cut in 1..<document.utf8.count {
            #expect(try events(document, cuts: [cut]) == whole, "cut at \(cut)")
        }
    }

    @Test func stopsJustPastTheEventItWasToldToStopAt() throws {
        let bytes = Array(#"{"pre": [1, 2], "items": [{"a": 1}]}"#.utf8)
        var walk = JSONStructureWalk()
        var pending = false
        let stop = try bytes.withUnsafeBufferPointer { buffer in
            try walk.feed(buffer.baseAddress!, from: 0, to: buffer.count) { event, depth in
                if case .key(let key) = event { pending = depth == 1 && key == Array("items".utf8) }
                if case .value(let byte) = event, pending, byte == UInt8(ascii: "[") { return false }
                return true
            }
        }
        #expect(stop.map { bytes[$0] } == UInt8(ascii: "{"))
    }

    @Test func unbalancedAndTooDeepAreFailures() {
        #expect(throws: JSONStructureWalk.Failure.self) { try events("{]") }
        #expect(throws: JSONStructureWalk.Failure.self) { try events("}") }
        let deep = String(repeating: "[", count: JSONStructureWalk.maximumDepth + 1)
        #expect(throws: JSONStructureWalk.Failure.self) { try events(deep) }
    }

    @Test func theTailWalkEndsWhereTheOuterObjectsClose() throws {
        let bytes = Array(#", "count": {"x": [1]}}} "#.utf8)
        var walk = JSONStructureWalk(insideObjects: 2)
        let stop = try bytes.withUnsafeBufferPointer { buffer in
            try walk.feed(buffer.baseAddress!, from: 0, to: buffer.count) { event, depth in
                if case .closed = event, depth == 0 { return false }
                return true
            }
        }
        #expect(stop == bytes.count - 1)
    }
}

/// Hostile bytes: the walk reads files of any origin, so mutated and random inputs must end in
/// events or a `Failure`, never a trap, and its depth must stay within its bound. (A seeded
/// generator, so a failure names an input that can be replayed; issue #18 asks for libFuzzer
/// targets, which this does not replace.)
@Suite struct JSONStructureWalkHostileTests {
    static let seeds = Array(#"{"a\"b": [{"k": "x,]}"}, 12, true], "n": {"m": null}, "deep": [[[{"z": "\u00e9"}]]]}"#.utf8)

    @Test(arguments: 0..<8)
    func mutatedDocumentsNeverTrap(batch: Int) {
        var random = SplitMix64(seed: UInt64(batch) &* 1_000_003)  // the sample generator's
        let alphabet = Array(#"{}[]":,\ a1"#.utf8) + [0x0A, 0x00, 0xFF]
        for _ in 0..<500 {
            var bytes = Self.seeds
            for _ in 0...random.below(8) {
                switch random.below(3) {
                case 0: bytes[random.below(bytes.count)] = alphabet[random.below(alphabet.count)]
                case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: random.below(bytes.count))
                default: if bytes.count > 1 { bytes.remove(at: random.below(bytes.count)) }
                }
            }
            let cut = random.below(bytes.count + 1)
            var walk = JSONStructureWalk()
            var deepest = 0
            bytes.withUnsafeBufferPointer { buffer in
                for (from, to) in [(0, cut), (cut, buffer.count)] {
                    do throws(JSONStructureWalk.Failure) {
                        _ = try walk.feed(buffer.baseAddress!, from: from, to: to) { _, depth in
                            deepest = max(deepest, depth)
                            return true
                        }
                    } catch {
                        #expect(error.offset >= from && error.offset < to)
                        return
                    }
                }
            }
            #expect(walk.depth >= 0 && deepest <= JSONStructureWalk.maximumDepth)
        }
    }

    @Test func aLongKeyIsKeptToItsBound() throws {
        let text = #"{""# + String(repeating: "k", count: JSONStructureWalk.maximumKeyBytes * 3) + #"": 1}"#
        var keys: [Int] = []
        var walk = JSONStructureWalk()
        let bytes = Array(text.utf8)
        _ = try bytes.withUnsafeBufferPointer { buffer in
            try walk.feed(buffer.baseAddress!, from: 0, to: buffer.count) { event, _ in
                if case .key(let key) = event { keys.append(key.count) }
                return true
            }
        }
        #expect(keys == [JSONStructureWalk.maximumKeyBytes])
    }
}
