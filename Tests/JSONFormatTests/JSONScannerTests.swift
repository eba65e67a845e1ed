import Testing

@testable import JSONFormat

/// Runs `body` on a scanner over `text`, starting at its first byte.
private func scan<T>(_ text: String, _ body: (inout JSONScanner) throws -> T) rethrows -> T {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer in
        // A non-nil base even for empty input.
        var scanner = JSONScanner(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: 0, to: buffer.count)
        return try body(&scanner)
    }
}

private func decodedString(_ text: String) throws -> String {
    try scan(text) { scanner in
        var out: [UInt8] = []
        try scanner.string(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

private func compact(_ text: String) throws -> String {
    try scan(text) { scanner in
        var out: [UInt8] = []
        try scanner.compactValue(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The scanner's failure, if `body` throws one (any other error is recorded as an issue).
private func failure<T>(_ body: () throws -> T) -> JSONScanner.Failure? {
    do {
        _ = try body()
        return nil
    } catch let failure as JSONScanner.Failure {
        return failure
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// RFC 8259's lexical rules, byte by byte, including the 8-byte fast paths' boundaries.
@Suite struct JSONScannerTests {
    @Test func escapesDecode() throws {
        #expect(try decodedString(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(try decodedString(#""caf\u00e9 \u20AC""#) == "café €")
        #expect(try decodedString(#""\ud83d\ude00""#) == "😀")  // a surrogate pair is one scalar
    }

    @Test(arguments: [
        (#""\ude00""#, "a lone low surrogate \\u escape"),
        (#""\ud83d x""#, "a high surrogate \\u escape without its low half"),
        (#""\ud83d\u0041""#, "an invalid surrogate pair"),
        (#""\x""#, "an invalid escape \\x"),
        (#""\u12G4""#, "a \\u escape with a non-hex digit"),
        ("\"tab\there\"", "a control character inside a string"),
    ])
    func invalidStrings(text: String, reason: String) {
        #expect(failure { try decodedString(text) }?.reason == reason)
    }

    /// A string cut by the end of the bytes is a "ran out" failure, so the reader can ask
    /// for more input instead of reporting an error.
    @Test(arguments: [#""abc"#, #""abc\"#, #""\u12"#, #""\ud83d"#, #""0123456789abcdef"#])
    func cutStringsRunOut(text: String) {
        scan(text) { scanner in
            var out: [UInt8] = []
            do throws(JSONScanner.Failure) {
                try scanner.string(into: &out)
                Issue.record("\(text) scanned as complete")
            } catch {
                #expect(scanner.ranOut(error), "\(text): \(error.reason) at \(error.offset)")
            }
        }
    }

    /// The quote, a backslash or a control character at every offset around the 8-byte
    /// fast path's word boundaries.
    @Test(arguments: 0..<20)
    func specialBytesAtEveryOffset(offset: Int) throws {
        let prefix = String(repeating: "é", count: offset / 2) + String(repeating: "a", count: offset % 2)
        let plain = "\"" + prefix + "\"tail"
        let span = try scan(plain) { scanner in try scanner.plainString() }
        #expect(span?.start == 1 && span?.end == 1 + prefix.utf8.count)
        #expect(try decodedString(plain) == prefix)

        let escaped = "\"" + prefix + #"\n""#
        #expect(try scan(escaped) { scanner in try scanner.plainString() } == nil)
        #expect(try decodedString(escaped) == prefix + "\n")

        let control = "\"" + prefix + "\u{01}\""
        #expect(try scan(control) { scanner in try scanner.plainString() } == nil)
        #expect(failure { try decodedString(control) }?.reason == "a control character inside a string")
    }

    @Test func plainStringLeavesThePositionOnEscapes() throws {
        let position = try scan(#""a\tb""#) { scanner in
            _ = try scanner.plainString()
            return scanner.position
        }
        #expect(position == 0)
    }

    @Test(arguments: [
        ("0", true), ("-0", true), ("12", true), ("-123456789012345678901", true),
        ("1.5", false), ("1e10", false), ("1E-2", false), ("-1.5e+3", false), ("0.0", false),
    ])
    func validNumbers(text: String, integer: Bool) throws {
        let token = try scan(text) { scanner in try scanner.number() }
        #expect(token.start == 0 && token.end == text.utf8.count && token.integer == integer)
    }

    @Test(arguments: ["01", "-01", "-", "1.", ".5", "1e", "1e+", "+1", "-a"])
    func invalidNumbers(text: String) {
        #expect(failure { try scan(text) { scanner in try scanner.number() } } != nil)
    }

    @Test func numbersStopAtTheirEnd() throws {
        #expect(try scan("12,3") { scanner in try scanner.number() }.end == 2)
    }

    @Test func compactDropsWhitespaceOutsideStringsOnly() throws {
        #expect(try compact(" { \"a b\" : [ 1 , 2.5e1 , \"x  y\" ] ,\n\t\"c\" : { } , \"d\":[ ] , \"e\" : null , \"f\":true,\"g\":false } ")
            == #"{"a b":[1,2.5e1,"x  y"],"c":{},"d":[],"e":null,"f":true,"g":false}"#)
        #expect(try compact(#"["\u00e9\n"]"#) == #"["\u00e9\n"]"#)  // escapes are kept as written
    }

    @Test(arguments: [
        "[1,]", "[1 2]", #"{"a" 1}"#, "{1:2}", #"{"a":1,}"#, "[", #"{"a":"#, "[tru]", "[nul]",
        "[\"a\tb\"]", #"["\x"]"#, #"{"k\q":1}"#, #"["\ude00"]"#,
    ])
    func compactRejectsInvalidJSON(text: String) {
        #expect(failure { try compact(text) } != nil, "\(text) was accepted")
    }

    /// The value ends with its closing bracket; what follows is the caller's to reject.
    @Test func compactStopsAfterTheValue() throws {
        #expect(try compact("[1]]x") == "[1]")
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(failure { try compact(deep) }?.reason == "nesting deeper than 512 levels")
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try compact(fine) == fine)
    }

    @Test func literalsMustBeWhole() {
        #expect(failure { try scan("tru") { scanner in try scanner.literal("true") } }?.reason == "an unexpected end of input")
        #expect(failure { try scan("trUe") { scanner in try scanner.literal("true") } }?.reason == "an unexpected character")
    }
}
