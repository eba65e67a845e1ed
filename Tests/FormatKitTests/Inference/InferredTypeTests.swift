import Testing
import TestSupport
@testable import FormatKit

@Suite struct InferredTypeTests {
    func classify(_ text: String) -> InferredType {
        parse(text) { InferredType.classify($0, $1) }!
    }

    @Test func classifiesEachKindOfValue() {
        #expect(classify("12") == .int64)
        #expect(classify("-3.5") == .double)
        #expect(classify("NaN") == .double)
        #expect(classify("true") == .boolean)
        #expect(classify("2024-02-29") == .date)
        #expect(classify("2024-02-29 12:00:00") == .timestamp)
        #expect(classify("2024-02-29T12:00:00Z") == .timestampUTC)
        #expect(classify("007") == .string)
        #expect(classify("12345678901234567890") == .string)
        #expect(classify("hello") == .string)
    }

    @Test func joinsWidenWithoutLosingValues() {
        #expect(InferredType.unknown.join(.int64) == .int64)
        #expect(InferredType.int64.join(.double) == .double)
        #expect(InferredType.double.join(.int64) == .double)
        #expect(InferredType.date.join(.timestamp) == .timestamp)
        #expect(InferredType.date.join(.timestampUTC) == .string)
        #expect(InferredType.timestamp.join(.timestampUTC) == .string)
        #expect(InferredType.boolean.join(.int64) == .string)
        #expect(InferredType.int64.join(.date) == .string)
        #expect(InferredType.string.join(.int64) == .string)
    }

    @Test func acceptsWhatTheColumnCanHold() {
        #expect(parse("5") { InferredType.double.accepts($0, $1) } == true)
        #expect(parse("2024-01-01") { InferredType.timestamp.accepts($0, $1) } == true)
        #expect(parse("2024-01-01T00:00:00Z") { InferredType.timestamp.accepts($0, $1) } == false)
        #expect(parse("1.5") { InferredType.int64.accepts($0, $1) } == false)
    }
}
