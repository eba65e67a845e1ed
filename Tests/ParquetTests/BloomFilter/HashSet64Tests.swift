import Testing

@testable import Parquet

@Suite struct HashSet64Tests {
    @Test func countsEachHashOnceAcrossGrowthIncludingZero() {
        var set = HashSet64(capacity: 4)
        for round in 0..<3 {
            for i in 0..<5_000 { set.insert(XXHash64.hash(eightBytes: UInt64(i))) }
            set.insert(0)
            #expect(set.count == 5_001, "round \(round)")
        }
        var seen = Set<UInt64>()
        set.forEach { seen.insert($0) }
        #expect(seen.count == 5_001 && seen.contains(0))
    }

    @Test func collectorSwitchesToAFullFilterBeforeTheSetOutgrowsItsBound() throws {
        let collector = BloomFilterCollector(decimalByteWidth: 16)
        let count = BloomFilterCollector.maxDistinct + 1
        collector.add(.int64s((0..<Int64(count)).map { $0 }), validity: nil, rows: 0..<count)
        let filter = try #require(collector.finishChunk())
        #expect(filter.byteCount == SplitBlockBloomFilter.maxBytes)
        // Fewer distinct values than that, repeated many times, keep a filter sized to them.
        collector.add(.int64s((0..<Int64(count)).map { $0 % 1_000 }), validity: nil, rows: 0..<count)
        #expect(try #require(collector.finishChunk()).byteCount == 2_048)
    }
}
