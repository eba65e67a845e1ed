import Testing

@testable import SparkConnect

/// Plans are checked against bytes made by pyspark 4.3.0's generated classes (Spark's own
/// protobuf definitions), not against our decoder. Whole requests, with session, user
/// context and client type, are decoded by pyspark in Tests/EndToEnd/test_spark_plan_bytes.py.
@Suite struct SparkPlanTests {
    /// Hex of `Plan.SerializeToString(deterministic=True)` from pyspark.sql.connect.proto;
    /// deterministic serialization writes fields in number order and map entries in key
    /// order, as our encoder does, so the bytes must match exactly.
    static func pysparkBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func encoded(_ plan: SparkPlan) -> [UInt8] {
        var writer = ProtobufWriter()
        plan.encode(into: &writer)
        return writer.bytes
    }

    /// pyspark: p.command.write_operation with input.repartition(input.read.data_source(
    /// format="csv", options={header: true, sep: ";"}, paths=[/data/a.csv, /data/b.csv]),
    /// num_partitions=1, shuffle=False), source="parquet", path="/out/dir",
    /// mode=SAVE_MODE_OVERWRITE, options={compression: zstd}.
    @Test func pathWriteMatchesPyspark() {
        let plan = SparkPlan.write(SparkWrite(
            input: .repartition(
                .read(format: "csv", options: ["header": "true", "sep": ";"], paths: ["/data/a.csv", "/data/b.csv"]),
                partitions: 1, shuffle: false),
            source: "parquet", destination: .path("/out/dir"), mode: .overwrite, options: ["compression": "zstd"]))
        #expect(Self.encoded(plan) == Self.pysparkBytes(
            "127412720a468a01430a3d123b12390a036373761a0e0a066865616465721204747275651a080a0373657012013b220b2f646174612f612e637376220b2f646174612f622e637376100118001207706172717565741a082f6f75742f64697228024a130a0b636f6d7072657373696f6e12047a737464"))
    }

    /// pyspark: write_operation with input.sql.query="SELECT 1 AS x", source="delta",
    /// table(table_name="main.sales.orders", save_method=TABLE_SAVE_METHOD_SAVE_AS_TABLE),
    /// mode=SAVE_MODE_APPEND.
    @Test func tableWriteMatchesPyspark() {
        let plan = SparkPlan.write(SparkWrite(input: .sql("SELECT 1 AS x"), source: "delta", destination: .table("main.sales.orders"), mode: .append))
        #expect(Self.encoded(plan) == Self.pysparkBytes(
            "123512330a11520f0a0d53454c45435420312041532078120564656c746122150a116d61696e2e73616c65732e6f726465727310012801"))
    }

    /// pyspark: p.root.sql.query = "SELECT COUNT(*) FROM t".
    @Test func sqlQueryMatchesPyspark() {
        #expect(Self.encoded(.query(.sql("SELECT COUNT(*) FROM t"))) == Self.pysparkBytes(
            "0a1a52180a1653454c45435420434f554e54282a292046524f4d2074"))
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
    /// pyarrow's IPC stream of a one-row table {"count(1)": int64 1234567890123}: a schema
    /// message (bytes 0..<136), a record batch (metadata 136..<280, body 280..<288) and the
    /// end-of-stream marker (288..<296).
    static let stream: [UInt8] = SparkPlanTests.pysparkBytes(
        "ffffffff800000001000000000000a000c000600050008000a000000000104000c000000080008000000040008000000040000000100000014000000100014000800060007000c000000100010000000000001021000000024000000040000000000000008000000636f756e742831290000000008000c0008000700080000000000000140000000ffffffff8800000014000000000000000c0016000600050008000c000c0000000003040018000000080000000000000000000a0018000c00040008000a0000003c00000010000000010000000000000000000000020000000000000000000000000000000000000000000000000000000800000000000000000000000100000001000000000000000000000000000000cb04fb711f010000ffffffff00000000")

    @Test func readsTheCountFromAnArrowStream() throws {
        #expect(Self.stream.count == 296)
        #expect(try ArrowScalar.firstInt64(in: Self.stream) == 1_234_567_890_123)
    }

    @Test func theEndMarkerIsOptional() throws {
        #expect(try ArrowScalar.firstInt64(in: Array(Self.stream.prefix(288))) == 1_234_567_890_123)
    }

    @Test func anEmptyStreamHasNoValue() throws {
        #expect(try ArrowScalar.firstInt64(in: []) == nil)
    }

    /// Cuts inside a length prefix, inside the schema, between messages and inside the
    /// batch's metadata: each is the "cut off" error, never a value or a crash.
    @Test(arguments: [4, 9, 40, 130, 140, 200, 279])
    func cutMessagesAreErrors(length: Int) {
        #expect {
            try ArrowScalar.firstInt64(in: Array(Self.stream.prefix(length)))
        } throws: { error in
            (error as? ProtobufError)?.problem == "an Arrow message is cut off"
        }
    }

    /// A cut inside the batch's body leaves the value's buffer outside the bytes.
    @Test func aCutBodyIsAnError() {
        #expect {
            try ArrowScalar.firstInt64(in: Array(Self.stream.prefix(284)))
        } throws: { error in
            (error as? ProtobufError)?.problem == "an Arrow buffer lies outside the message"
        }
    }
}
