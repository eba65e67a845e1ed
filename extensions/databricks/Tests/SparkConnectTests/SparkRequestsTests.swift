import Testing

@testable import SparkConnect

/// The reattach messages' bytes, decoded back with our reader field by field (numbers from
/// Spark 4.3's base.proto). Tests/EndToEnd/test_spark_plan_bytes.py decodes the same
/// requests with pyspark's generated classes.
@Suite struct SparkRequestsTests {
    static let requests = SparkRequests(sessionID: "9f3b6a2e-4c1d-4e8f-a7b5-0c2d4e6f8a1b", userID: "ana", clientType: "pyforge")
    static let operation = "0b7a5c1e-2d3f-4a6b-8c9d-0e1f2a3b4c5d"

    /// Every field of a message: number → values (strings, integers, or nested fields).
    static func fields(_ bytes: ArraySlice<UInt8>) throws -> [Int: [ProtobufReader.Value]] {
        var reader = ProtobufReader(bytes)
        var fields: [Int: [ProtobufReader.Value]] = [:]
        while let (number, value) = try reader.next() { fields[number, default: []].append(value) }
        return fields
    }

    static func checkHeader(_ fields: [Int: [ProtobufReader.Value]], clientTypeField: Int) throws {
        #expect(fields[1]?.map(\.string) == ["9f3b6a2e-4c1d-4e8f-a7b5-0c2d4e6f8a1b"])
        let context = try Self.fields(#require(fields[2]?.first?.slice))
        #expect(context[1]?.map(\.string) == ["ana"])
        #expect(fields[clientTypeField]?.map(\.string) == ["pyforge"])
    }

    @Test func reattachableExecutePlan() throws {
        let fields = try Self.fields(Self.requests.executePlan(.query(.sql("SELECT 1")), reattachableAs: Self.operation)[...])
        try Self.checkHeader(fields, clientTypeField: 4)
        #expect(fields[6]?.map(\.string) == [Self.operation])  // operation_id
        let option = try Self.fields(#require(fields[5]?.first?.slice))  // request_options
        let reattach = try Self.fields(#require(option[1]?.first?.slice))  // reattach_options
        #expect(reattach[1] == [.varint(1)])  // reattachable = true
        #expect(fields[3] != nil)  // plan
        #expect(Set(fields.keys) == [1, 2, 3, 4, 5, 6])
    }

    @Test func plainExecutePlanHasNoOperation() throws {
        let fields = try Self.fields(Self.requests.executePlan(.query(.sql("SELECT 1")))[...])
        #expect(Set(fields.keys) == [1, 2, 3, 4])
    }

    @Test func reattachExecuteAfterAResponse() throws {
        let fields = try Self.fields(Self.requests.reattachExecute(operationID: Self.operation, lastResponseID: "r-7")[...])
        try Self.checkHeader(fields, clientTypeField: 4)
        #expect(fields[3]?.map(\.string) == [Self.operation])
        #expect(fields[5]?.map(\.string) == ["r-7"])
        #expect(Set(fields.keys) == [1, 2, 3, 4, 5])
    }

    @Test func reattachExecuteFromTheStart() throws {
        let fields = try Self.fields(Self.requests.reattachExecute(operationID: Self.operation, lastResponseID: nil)[...])
        #expect(Set(fields.keys) == [1, 2, 3, 4])  // no last_response_id: from the first response
    }

    @Test func releaseAll() throws {
        let fields = try Self.fields(Self.requests.releaseExecute(operationID: Self.operation)[...])
        try Self.checkHeader(fields, clientTypeField: 4)
        #expect(fields[3]?.map(\.string) == [Self.operation])
        #expect(fields[5] == [.bytes([][...])])  // release_all, an empty message
        #expect(fields[6] == nil)
    }

    @Test func releaseUntil() throws {
        let fields = try Self.fields(Self.requests.releaseExecute(operationID: Self.operation, until: "r-9")[...])
        let until = try Self.fields(#require(fields[6]?.first?.slice))
        #expect(until[1]?.map(\.string) == ["r-9"])
        #expect(fields[5] == nil)
    }
}

/// What the client keeps from response streams: the position a reattach resumes from.
@Suite struct SparkExecutionTests {
    static func response(id: String, complete: Bool = false, rows: Int64? = nil) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.string(1, "session")
        writer.string(12, "op-1")
        writer.string(13, id)
        if let rows { writer.message(2) { $0.int(1, rows) } }
        if complete { writer.message(14) { _ in } }
        return writer.bytes
    }

    @Test func remembersTheLastResponseAndCompletion() throws {
        var execution = SparkExecution()
        try execution.absorb(Self.response(id: "r-1", rows: 3))
        #expect(execution.lastResponseID == "r-1" && execution.operationID == "op-1" && !execution.complete)
        try execution.absorb(Self.response(id: "r-2", complete: true))
        #expect(execution.lastResponseID == "r-2" && execution.complete && execution.responses == 2 && execution.rowCount == 3)
    }
}
