import Testing

@testable import SparkConnect

@Suite struct SparkPlanTests {
    /// Decodes a write plan back field by field, checking the numbers Spark expects.
    @Test func writePlanUsesSparkConnectFieldNumbers() throws {
        let plan = SparkPlan.write(SparkWrite(
            input: .repartition(.read(format: "csv", options: ["header": "true"], paths: ["/data/a.csv"]), partitions: 1, shuffle: false),
            source: "parquet", destination: .path("/out/dir"), mode: .overwrite))
        var writer = ProtobufWriter()
        plan.encode(into: &writer)
        var top = ProtobufReader(writer.bytes)
        let command = try #require(try top.next())
        #expect(command.field == 2)  // Plan.command
        var commandReader = ProtobufReader(try #require(command.value.slice))
        let write = try #require(try commandReader.next())
        #expect(write.field == 2)  // Command.write_operation
        var fields: [Int: ProtobufReader.Value] = [:]
        var writeReader = ProtobufReader(try #require(write.value.slice))
        while let (field, value) = try writeReader.next() { fields[field] = value }
        #expect(fields[2]?.string == "parquet")
        #expect(fields[3]?.string == "/out/dir")
        #expect(fields[5]?.integer == 2)  // SAVE_MODE_OVERWRITE
        var relation = ProtobufReader(try #require(fields[1]?.slice))
        let repartition = try #require(try relation.next())
        #expect(repartition.field == 17)
        var repartitionFields: [Int: ProtobufReader.Value] = [:]
        var repartitionReader = ProtobufReader(try #require(repartition.value.slice))
        while let (field, value) = try repartitionReader.next() { repartitionFields[field] = value }
        #expect(repartitionFields[2]?.integer == 1)
        #expect(repartitionFields[3]?.integer == 0)
        var inner = ProtobufReader(try #require(repartitionFields[1]?.slice))
        let read = try #require(try inner.next())
        #expect(read.field == 2)  // Relation.read
    }

    @Test func tableWritesUseSaveAsTable() throws {
        let plan = SparkPlan.write(SparkWrite(input: .sql("select 1"), source: "delta", destination: .table("main.sales.orders"), mode: .append))
        var writer = ProtobufWriter()
        plan.encode(into: &writer)
        let bytes = writer.bytes
        #expect(bytes.starts(with: [0x12]))
        #expect(String(decoding: bytes, as: UTF8.self).contains("main.sales.orders"))
    }

    @Test func executionCollectsArrowBatchesAndCompletion() throws {
        var response = ProtobufWriter()
        response.string(1, "s")
        response.string(15, "server-session")
        response.message(2) { batch in
            batch.int(1, 42)
            batch.bytes(2, [1, 2, 3])
        }
        var done = ProtobufWriter()
        done.message(14) { _ in }
        var execution = SparkExecution()
        try execution.absorb(response.bytes)
        try execution.absorb(done.bytes)
        #expect(execution.rowCount == 42 && execution.arrowBatches == [[1, 2, 3]])
        #expect(execution.serverSessionID == "server-session" && execution.complete)
    }

    @Test func errorClassesComeFromTheMessagePrefix() {
        #expect(SparkConnectError.errorClass(of: "[PATH_NOT_FOUND] Path does not exist: file:/x. SQLSTATE: 42K03") == "PATH_NOT_FOUND")
        #expect(SparkConnectError.errorClass(of: "[INVALID_OPTIONS.UNSUPPORTED] x") == "INVALID_OPTIONS")
        #expect(SparkConnectError.errorClass(of: "no class here") == nil)
        let message = SparkConnectError.failed(errorClass: "PATH_NOT_FOUND", message: "[PATH_NOT_FOUND] Path does not exist").description
        #expect(message.hasPrefix("Spark failed:") && message.contains("Check that the path exists"))
    }
}

@Suite struct ArrowScalarTests {
    /// pyarrow's IPC stream of a one-row table {"count(1)": int64 1234567890123}.
    static let stream: [UInt8] = {
        let hex = "ffffffff800000001000000000000a000c000600050008000a000000000104000c000000080008000000040008000000040000000100000014000000100014000800060007000c000000100010000000000001021000000024000000040000000000000008000000636f756e742831290000000008000c0008000700080000000000000140000000ffffffff8800000014000000000000000c0016000600050008000c000c0000000003040018000000080000000000000000000a0018000c00040008000a0000003c00000010000000010000000000000000000000020000000000000000000000000000000000000000000000000000000800000000000000000000000100000001000000000000000000000000000000cb04fb711f010000ffffffff00000000"
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }()

    @Test func readsTheCountFromAnArrowStream() throws {
        #expect(try ArrowScalar.firstInt64(in: Self.stream) == 1_234_567_890_123)
    }

    @Test func cutStreamsAreErrorsNotCrashes() throws {
        for length in [9, 40, 130, 200, 300] {
            let cut = Array(Self.stream.prefix(length))
            _ = try? ArrowScalar.firstInt64(in: cut)
        }
        #expect(try ArrowScalar.firstInt64(in: []) == nil)
    }
}
