import Testing
import TestSupport
@testable import FormatKit

@Suite struct MemoryBudgetTests {
    @Test func sizesAreReadInPowersOf1024() {
        #expect(MemoryBudget.parse("2G") == 2 << 30)
        #expect(MemoryBudget.parse("512M") == 512 << 20)
        #expect(MemoryBudget.parse("512m") == 512 << 20)
        #expect(MemoryBudget.parse("1.5G") == 1536 << 20)
        #expect(MemoryBudget.parse("2GiB") == 2 << 30)
        #expect(MemoryBudget.parse("300MB") == 300 << 20)
        #expect(MemoryBudget.parse("1T") == 1 << 40)
        #expect(MemoryBudget.parse("4194304K") == 4 << 30)
        #expect(MemoryBudget.parse(String(1 << 30)) == 1 << 30)
    }

    @Test func unreadableOrTooSmallSizesAreRefused() {
        for text in ["", "G", "lots", "2 G", "-1G", "1e9", "0x10G", "255M", "1M", "nanG", "2GG", "99999999999T"] {
            #expect(MemoryBudget.parse(text) == nil, "'\(text)'")
        }
    }

    @Test func theOptionWinsOverTheEnvironmentWhichWinsOverTheDefault() throws {
        #expect(try MemoryBudget.resolve(option: nil, environment: [:]) == .default)
        #expect(try MemoryBudget.resolve(option: nil, environment: [MemoryBudget.variable: "512M"]).bytes == 512 << 20)
        #expect(try MemoryBudget.resolve(option: "1G", environment: [MemoryBudget.variable: "512M"]).bytes == 1 << 30)
        #expect(throws: ConversionError.invalidOption(MemoryBudget.invalid("x", source: MemoryBudget.variable))) {
            try MemoryBudget.resolve(option: nil, environment: [MemoryBudget.variable: "x"])
        }
    }

    /// The shares add up to less than the budget, and a batch's text stays addressable by
    /// 32-bit offsets even with a huge budget.
    @Test func sharesAreDerivedFromTheBudget() {
        let small = MemoryBudget(bytes: 256 << 20)
        #expect(small.valueBytes == 32 << 20 && small.sharedStringsBytes == 64 << 20 && small.batchBytes == 16 << 20)
        #expect(small.rowGroupBytes == 32 << 20 && small.backstopBytes == 768 << 20)
        #expect(MemoryBudget.default.rowGroupBytes == 128 << 20 && MemoryBudget.default.backstopBytes == 2 << 30)
        let huge = MemoryBudget(bytes: 64 << 30)
        #expect(huge.batchBytes == 512 << 20 && huge.backstopBytes == 80 << 30)
    }

    @Test func theSentenceNamesTheFilePlaceShareAndFix() {
        let error = MemoryBudget(bytes: 256 << 20).exceeded(path: "a.xlsx", location: "xl/sharedStrings.xml", what: "the shared-strings table", limit: 64 << 20)
        #expect(error.description == "'a.xlsx' needs more memory than its budget at xl/sharedStrings.xml: the shared-strings table takes more than 64 MiB, its share of the 256 MiB memory budget. Pass a larger --max-memory (for example --max-memory 1G) or set PYFORGE_MAX_MEMORY.")
        #expect(MemoryBudget.describe(1536 << 20) == "1.5 GiB" && MemoryBudget.describe(1536 << 20, compact: true) == "1536M")
        #expect(MemoryBudget.suggestion(above: 1536 << 20) == 3 << 30)
    }
}
