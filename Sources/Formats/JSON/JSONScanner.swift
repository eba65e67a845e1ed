/// Byte-level JSON lexing over one complete record (RFC 8259). Positions are offsets
/// into `bytes`; errors carry the offset so the reader can name the line.
struct JSONScanner {
    let bytes: UnsafePointer<UInt8>
    let end: Int
    var position: Int

    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    /// Whether a failure only means the bytes ran out (the record continues beyond them).
    func ranOut(_ failure: Failure) -> Bool { failure.offset >= end }

    init(_ bytes: UnsafePointer<UInt8>, from: Int, to end: Int) {
        self.bytes = bytes
        self.end = end
        position = from
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            let c = bytes[position]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            position &+= 1
        }
    }

    @inline(__always)
    func peek() -> UInt8? { position < end ? bytes[position] : nil }

    mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        skipWhitespace()
        guard position < end, bytes[position] == byte else { throw Failure(offset: position, reason: "expected \(what)") }
        position &+= 1
    }

    /// Reads a string (the opening quote at `position`), appending its decoded UTF-8 to `out`.
    mutating func string(into out: inout [UInt8]) throws(Failure) {
        position &+= 1  // opening quote
        var runStart = position
        while position < end {
            // Skip 8 plain bytes at a time (no quote, backslash or control character).
            while position &+ 8 <= end {
                let word = UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self)
                let quote = word ^ 0x2222_2222_2222_2222, slash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let special = ((quote &- 0x0101_0101_0101_0101) & ~quote) | ((slash &- 0x0101_0101_0101_0101) & ~slash)
                    | ((word &- 0x2020_2020_2020_2020) & ~word)
                if special & 0x8080_8080_8080_8080 != 0 { break }
                position &+= 8
            }
            guard position < end else { break }
            let c = bytes[position]
            if c == 0x22 {
                out.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: position - runStart))
                position &+= 1
                return
            }
            if c == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: position - runStart))
                try escape(into: &out)
                runStart = position
                continue
            }
            if c < 0x20 { throw Failure(offset: position, reason: "a control character inside a string") }
            position &+= 1
        }
        throw Failure(offset: position, reason: "a string is not closed")
    }

    /// The extent of the string at `position` (quotes excluded) when it has no escapes, so
    /// its bytes can be used in place; nil (position unchanged) when it must be decoded.
    mutating func plainString() throws(Failure) -> (start: Int, end: Int)? {
        let start = position &+ 1
        var k = start
        while k &+ 8 <= end {
            let word = UnsafeRawPointer(bytes + k).loadUnaligned(as: UInt64.self)
            let quote = word ^ 0x2222_2222_2222_2222, slash = word ^ 0x5C5C_5C5C_5C5C_5C5C
            let special = ((quote &- 0x0101_0101_0101_0101) & ~quote) | ((slash &- 0x0101_0101_0101_0101) & ~slash)
                | ((word &- 0x2020_2020_2020_2020) & ~word)
            let hits = special & 0x8080_8080_8080_8080
            if hits != 0 {
                k &+= hits.trailingZeroBitCount >> 3
                break
            }
            k &+= 8
        }
        while k < end {
            let c = bytes[k]
            if c == 0x22 {
                position = k &+ 1
                return (start, k)
            }
            if c == 0x5C || c < 0x20 { return nil }
            k &+= 1
        }
        throw Failure(offset: end, reason: "a string is not closed")
    }

    /// Skips a string, checking it as `string(into:)` would: compactValue copies the skipped
    /// bytes into its output, which must stay valid JSON.
    mutating func skipString() throws(Failure) {
        position &+= 1
        while position < end {
            let c = bytes[position]
            if c == 0x22 { position &+= 1; return }
            if c < 0x20 { throw Failure(offset: position, reason: "a control character inside a string") }
            if c == 0x5C {
                var decoded: [UInt8] = []
                try escape(into: &decoded)
            } else {
                position &+= 1
            }
        }
        throw Failure(offset: position, reason: "a string is not closed")
    }

    private mutating func escape(into out: inout [UInt8]) throws(Failure) {
        guard position + 1 < end else { throw Failure(offset: end, reason: "an escape is cut off") }
        let c = bytes[position + 1]
        position &+= 2
        switch c {
        case 0x22, 0x5C, 0x2F: out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < end else { throw Failure(offset: end, reason: "a surrogate pair is cut off") }
                guard bytes[position] == 0x5C, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw Failure(offset: position, reason: "a high surrogate \\u escape without its low half")
                }
                position &+= 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Failure(offset: position, reason: "an invalid surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw Failure(offset: position, reason: "a lone low surrogate \\u escape")
            }
            appendUTF8(scalar, to: &out)
        default:
            throw Failure(offset: position - 1, reason: "an invalid escape \\\(Character(UnicodeScalar(c)))")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= end else { throw Failure(offset: end, reason: "a \\u escape is cut off") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x37)
            case 0x61...0x66: digit = UInt32(c - 0x57)
            default: throw Failure(offset: position, reason: "a \\u escape with a non-hex digit")
            }
            value = value << 4 | digit
            position &+= 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        if scalar < 0x80 {
            out.append(UInt8(scalar))
        } else if scalar < 0x800 {
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        } else if scalar < 0x10000 {
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | (scalar >> 6) & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        } else {
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Scans a number token; returns its extent and whether it is an integer literal.
    mutating func number() throws(Failure) -> (start: Int, end: Int, integer: Bool) {
        let start = position
        var integer = true
        if position < end && bytes[position] == UInt8(ascii: "-") { position &+= 1 }
        let digitsStart = position
        while position < end, bytes[position] &- 0x30 < 10 { position &+= 1 }
        guard position > digitsStart else { throw Failure(offset: position >= end ? end : start, reason: "an invalid number") }
        if position - digitsStart > 1 && bytes[digitsStart] == 0x30 { throw Failure(offset: start, reason: "a number with a leading zero") }
        if position < end && bytes[position] == UInt8(ascii: ".") {
            integer = false
            position &+= 1
            let fraction = position
            while position < end, bytes[position] &- 0x30 < 10 { position &+= 1 }
            guard position > fraction else { throw Failure(offset: position >= end ? end : start, reason: "an invalid number") }
        }
        if position < end && (bytes[position] | 0x20) == UInt8(ascii: "e") {
            integer = false
            position &+= 1
            if position < end && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) { position &+= 1 }
            let exponent = position
            while position < end, bytes[position] &- 0x30 < 10 { position &+= 1 }
            guard position > exponent else { throw Failure(offset: position >= end ? end : start, reason: "an invalid number") }
        }
        return (start, position, integer)
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard position + n <= end else { throw Failure(offset: end, reason: "an unexpected end of input") }
        for k in 0..<n where bytes[position + k] != word.utf8Start[k] {
            throw Failure(offset: position, reason: "an unexpected character")
        }
        position &+= n
    }

    /// Copies the value at `position` as compact JSON text (whitespace outside strings
    /// dropped), validating its structure.
    mutating func compactValue(into out: inout [UInt8], depth: Int = 0) throws(Failure) {
        guard depth < 512 else { throw Failure(offset: position, reason: "nesting deeper than 512 levels") }
        skipWhitespace()
        guard let c = peek() else { throw Failure(offset: position, reason: "an unexpected end of input") }
        switch c {
        case 0x22:
            let start = position
            try skipString()
            out.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: position - start))
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close: UInt8 = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            out.append(c)
            position &+= 1
            skipWhitespace()
            if peek() == close {
                position &+= 1
                out.append(close)
                return
            }
            while true {
                if c == UInt8(ascii: "{") {
                    skipWhitespace()
                    guard peek() == 0x22 else { throw Failure(offset: position, reason: "expected a key string") }
                    let start = position
                    try skipString()
                    out.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: position - start))
                    try expect(UInt8(ascii: ":"), "':' after a key")
                    out.append(UInt8(ascii: ":"))
                }
                try compactValue(into: &out, depth: depth + 1)
                skipWhitespace()
                guard let next = peek() else { throw Failure(offset: position, reason: "an unexpected end of input") }
                position &+= 1
                if next == close {
                    out.append(close)
                    return
                }
                guard next == UInt8(ascii: ",") else { throw Failure(offset: position - 1, reason: "expected ',' or '\(Character(UnicodeScalar(close)))'") }
                out.append(UInt8(ascii: ","))
            }
        case UInt8(ascii: "t"): try literal("true"); out.append(contentsOf: "true".utf8)
        case UInt8(ascii: "f"): try literal("false"); out.append(contentsOf: "false".utf8)
        case UInt8(ascii: "n"): try literal("null"); out.append(contentsOf: "null".utf8)
        default:
            let token = try number()
            out.append(contentsOf: UnsafeBufferPointer(start: bytes + token.start, count: token.end - token.start))
        }
    }
}
