import Columnar
import Testing

@testable import Parquet

@Suite struct SplitBlockBloomFilterTests {
    @Test func everyInsertedValueIsFoundAndFewOthersAre() {
        var filter = SplitBlockBloomFilter(distinctValues: 10_000)
        for i in 0..<10_000 { filter.insert(XXHash64.hash(eightBytes: UInt64(i))) }
        #expect((0..<10_000).allSatisfy { filter.mightContain(XXHash64.hash(eightBytes: UInt64($0))) })
        let falsePositives = (10_000..<110_000).filter { filter.mightContain(XXHash64.hash(eightBytes: UInt64($0))) }.count
        // Sized for about 1%; a power-of-two size only lowers it.
        #expect(falsePositives < 2_000)
    }

    @Test func sizeIsAPowerOfTwoBetweenOneBlockAndTheMaximum() {
        #expect(SplitBlockBloomFilter(distinctValues: 0).byteCount == 32)
        #expect(SplitBlockBloomFilter(distinctValues: 1_000).byteCount == 2_048)  // 10,000 bits
        #expect(SplitBlockBloomFilter(distinctValues: Int.max).byteCount == SplitBlockBloomFilter.maxBytes)
    }

    @Test func headerDeclaresTheBitsetThatFollows() throws {
        let filter = SplitBlockBloomFilter(distinctValues: 100)
        let bytes = filter.serialized()
        let (header, headerLength) = try bytes.withUnsafeBytes { raw in
            var reader = CompactProtocolReader(raw)
            return (try reader.readStruct(), reader.position)
        }
        #expect(header[1]?.int == Int64(filter.byteCount))
        #expect(header[2]?.fields?[1] != nil)  // SPLIT_BLOCK
        #expect(header[3]?.fields?[1] != nil)  // XXHASH
        #expect(header[4]?.fields?[1] != nil)  // UNCOMPRESSED
        #expect(bytes.count - headerLength == filter.byteCount)
    }

    @Test func collectorHashesThePlainEncodingAndSkipsNulls() throws {
        let collector = BloomFilterCollector(decimalByteWidth: 16)
        let strings = ByteArrays(offsets: [0, 3, 3, 8], data: Array("abcmissz".utf8))
        collector.add(.bytes(strings), validity: nil, rows: 0..<3)
        let filter = try #require(collector.finishChunk())
        #expect(filter.mightContain(XXHash64.hash(Array("abc".utf8))))
        #expect(filter.mightContain(XXHash64.hash(Array("missz".utf8))))
        #expect(filter.mightContain(XXHash64.hash([])))

        let validity: [UInt8] = [1, 0]
        validity.withUnsafeBufferPointer { v in collector.add(.int32s([7, 8]), validity: v, rows: 0..<2) }
        let ints = try #require(collector.finishChunk())
        #expect(ints.mightContain(XXHash64.hash(fourBytes: 7)))
        #expect(ints.byteCount == 32)
        #expect(collector.finishChunk() == nil)  // reset after each chunk
    }

    @Test func manyDistinctValuesFillAMaximumSizeFilter() throws {
        let collector = BloomFilterCollector(decimalByteWidth: 16)
        let count = 1_000_000
        collector.add(.int64s((0..<Int64(count)).map { $0 }), validity: nil, rows: 0..<count)
        let filter = try #require(collector.finishChunk())
        #expect(filter.byteCount == SplitBlockBloomFilter.maxBytes)
        #expect((0..<count).allSatisfy { filter.mightContain(XXHash64.hash(eightBytes: UInt64($0))) })
    }
}
