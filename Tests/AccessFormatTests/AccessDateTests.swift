@testable import AccessFormat
import Testing

/// Access dates: days since 1899-12-30, the time of day as the fraction.
@Suite struct AccessDateTests {
    @Test func accessDatesCountFrom1899() {
        #expect(AccessColumn.micros(accessDate: 25_569) == 0)
        #expect(AccessColumn.micros(accessDate: 25_569.5) == 43_200_000_000)
        // Before 1899-12-30 the whole part counts back and the fraction is still the time of day.
        #expect(AccessColumn.micros(accessDate: -1.25) == (-1 - 25_569) * 86_400_000_000 + 21_600_000_000)
    }
}
