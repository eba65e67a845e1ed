import Testing
import TestSupport
@testable import Values


@Suite struct NumberParsingTests {
    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("42", 42), ("-17", -17),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ])
    func integers(text: String, value: Int64) {
        #expect(parse(text, NumberParsing.int64) == value)
    }

    @Test(arguments: ["", "-", "+5", "007", "00", "1.0", "1e3", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "12345678901234567890", "0x10"])
    func notIntegers(text: String) {
        #expect(parse(text, NumberParsing.int64) == nil)
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-0.25", -0.25), ("1e3", 1000), ("1E-3", 0.001), (".5", 0.5), ("5.", 5),
        ("3.141592653589793", 3.141592653589793), ("0.1", 0.1), ("-0.0", -0.0),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude), ("5e-324", Double.leastNonzeroMagnitude),
        ("1.2345678901234568e+29", 123456789012345678901234567890.5), ("0.30000000000000004", 0.1 + 0.2),
        ("1.1000000000000001", 1.1), ("1.50000000000000000000", 1.5),
        ("0.000000000000000000000000000001", 1e-30), ("inf", .infinity), ("-Infinity", -.infinity),
    ])
    func doublesParseToTheCorrectlyRoundedValue(text: String, value: Double) {
        let parsed = parse(text, NumberParsing.double)
        #expect(parsed?.bitPattern == value.bitPattern, "\(text) parsed as \(String(describing: parsed))")
    }

    @Test func nanSpellings() {
        for text in ["NaN", "nan", "NAN"] { #expect(parse(text, NumberParsing.double)?.isNaN == true) }
        for text in ["Nan", "nAn", "-nan", "infinite", "INFINITY"] { #expect(parse(text, NumberParsing.double) == nil) }
    }

    @Test(arguments: ["", ".", "-", "1e", "1e+", "abc", "1.2.3", "01.5", "+1.5", "1,5", "12345678901234567"])
    func notDoubles(text: String) {
        #expect(parse(text, NumberParsing.double) == nil)
    }

    /// More digits than a double keeps (and not how a double prints): refused, so the text
    /// stays exact instead of being rounded without a word.
    @Test(arguments: ["123456789012345678901234567890.5", "0.12345678901234567891", "1234567890123456789.0",
                      "0.12345678901234567", "-9007199254740993.0", "1.00000000000000000001"])
    func tooPreciseForADouble(text: String) {
        #expect(parse(text, NumberParsing.double) == nil)
    }

    @Test func decimalTextComparesNumbers() {
        #expect(DecimalText.normalized(Array("1.50".utf8)) == DecimalText.normalized(Array("15e-1".utf8)))
        #expect(DecimalText.normalized(Array("-0.0".utf8)) == DecimalText.normalized(Array("0".utf8)))
        #expect(DecimalText.normalized(Array("100".utf8)) == DecimalText.Number(negative: false, digits: Array("1".utf8), exponent: 2))
        #expect(DecimalText.normalized(Array("1.5".utf8)) != DecimalText.normalized(Array("-1.5".utf8)))
    }

    /// Random decimal strings agree bit for bit with the standard library's parser.
    @Test func agreesWithStandardLibraryOnRandomDecimals() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let mantissa = Int64.random(in: -999_999_999_999...999_999_999_999, using: &generator)
            let exponent = Int.random(in: -30...30, using: &generator)
            let text = "\(mantissa)e\(exponent)"
            #expect(parse(text, NumberParsing.double)?.bitPattern == Double(text)?.bitPattern, "\(text)")
            let fraction = "\(mantissa / 1000).\(String(mantissa.magnitude % 1000))"
            #expect(parse(fraction, NumberParsing.double)?.bitPattern == Double(fraction)?.bitPattern, "\(fraction)")
        }
    }

    @Test func booleans() {
        #expect(parse("true", NumberParsing.boolean) == true)
        #expect(parse("FALSE", NumberParsing.boolean) == false)
        #expect(parse("True", NumberParsing.boolean) == true)
        #expect(parse("yes", NumberParsing.boolean) == nil)
        #expect(parse("1", NumberParsing.boolean) == nil)
    }
}
