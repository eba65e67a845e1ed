/// What pyforge keeps from an `ExecutePlan` response stream.
public struct SparkExecution: Sendable {
    /// The server's own session id (it changes when the server restarted).
    public var serverSessionID: String?
    /// Arrow IPC stream bytes, one element per `arrow_batch`, for queries.
    public var arrowBatches: [[UInt8]] = []
    /// Rows in all Arrow batches.
    public var rowCount: Int64 = 0
    /// True once the server said the result is complete.
    public var complete = false
    /// The id of the last response read: a reattach resumes after it.
    public var lastResponseID: String?
    /// The operation the responses belong to.
    public var operationID: String?
    /// Responses read so far.
    public var responses = 0
}

extension SparkExecution {
    /// Folds one `ExecutePlanResponse` message into the summary.
    mutating func absorb(_ bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        responses += 1
        while let (field, value) = try reader.next() {
            switch field {
            case 15: serverSessionID = value.string
            case 12: operationID = value.string
            case 13: lastResponseID = value.string
            case 2:  // arrow_batch
                guard let slice = value.slice else { continue }
                var batch = ProtobufReader(slice)
                while let (batchField, batchValue) = try batch.next() {
                    if batchField == 1, let rows = batchValue.integer { rowCount += rows }
                    if batchField == 2, let data = batchValue.slice { arrowBatches.append(Array(data)) }
                }
            case 14: complete = true  // result_complete
            default: break
            }
        }
    }
}

/// Reads `AnalyzePlanResponse.spark_version.version`.
func sparkVersion(from bytes: [UInt8]) throws(ProtobufError) -> String? {
    var reader = ProtobufReader(bytes)
    while let (field, value) = try reader.next() {
        guard field == 8, let slice = value.slice else { continue }
        var version = ProtobufReader(slice)
        while let (versionField, versionValue) = try version.next() {
            if versionField == 1 { return versionValue.string }
        }
    }
    return nil
}
