/// The request messages a session sends, as bytes: the exact bytes `SparkSession` puts on
/// the wire. Public so a test tool can hand them to an independent protobuf decoder
/// (pyspark's generated classes, Tests/EndToEnd/test_spark_plan_bytes.py).
public struct SparkRequests: Sendable {
    public var sessionID: String
    public var userID: String
    public var clientType: String

    public init(sessionID: String, userID: String, clientType: String) {
        self.sessionID = sessionID
        self.userID = userID
        self.clientType = clientType
    }

    /// `ExecutePlanRequest` running `plan`; with an `operationID`, a reattachable execution
    /// (`request_options.reattach_options.reattachable`) the client can reattach to by that id.
    public func executePlan(_ plan: SparkPlan, reattachableAs operationID: String? = nil) -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 4)
        request.message(3) { plan.encode(into: &$0) }  // ExecutePlanRequest.plan
        if let operationID {
            request.string(6, operationID)  // ExecutePlanRequest.operation_id
            request.message(5) { option in  // ExecutePlanRequest.request_options
                option.message(1) { $0.bool(1, true) }  // RequestOption.reattach_options.reattachable
            }
        }
        return request.bytes
    }

    /// `ReattachExecuteRequest`: resume `operationID`'s response stream after the response
    /// `lastResponseID` (from the start when nil).
    public func reattachExecute(operationID: String, lastResponseID: String?) -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 4)
        request.string(3, operationID)
        if let lastResponseID { request.string(5, lastResponseID) }
        return request.bytes
    }

    /// `ReleaseExecuteRequest`: the server may drop `operationID`'s buffered responses, all of
    /// them (`release_all`, once the client is done) or up to and including `responseID`.
    public func releaseExecute(operationID: String, until responseID: String? = nil) -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 4)
        request.string(3, operationID)
        if let responseID {
            request.message(6) { $0.string(1, responseID) }  // release_until.response_id
        } else {
            request.message(5) { _ in }  // release_all
        }
        return request.bytes
    }

    /// `AnalyzePlanRequest` asking for the schema of `relation`.
    public func analyzeSchema(of relation: SparkRelation) -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 3)
        request.message(4) { schema in  // AnalyzePlanRequest.schema
            schema.message(1) { plan in SparkPlan.query(relation).encode(into: &plan) }  // Schema.plan
        }
        return request.bytes
    }

    /// `AnalyzePlanRequest` asking for the server's Spark version.
    public func analyzeSparkVersion() -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 3)
        request.message(10) { _ in }  // AnalyzePlanRequest.spark_version
        return request.bytes
    }

    /// `ReleaseSessionRequest`, which ends the server-side session.
    public func releaseSession() -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 3)
        return request.bytes
    }

    /// session_id = 1 and user_context = 2 in every request; client_type's number differs.
    private func header(_ request: inout ProtobufWriter, clientTypeField: Int) {
        request.string(1, sessionID)
        request.message(2) { $0.string(1, userID) }  // UserContext.user_id
        request.string(clientTypeField, clientType)
    }
}
