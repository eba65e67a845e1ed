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

    /// `ExecutePlanRequest` running `plan`.
    public func executePlan(_ plan: SparkPlan) -> [UInt8] {
        var request = ProtobufWriter()
        header(&request, clientTypeField: 4)
        request.message(3) { plan.encode(into: &$0) }  // ExecutePlanRequest.plan
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
