import GRPCCore

/// Which gRPC errors pyspark's default policy retries, and the delay a server asks for.
extension SparkRetryPolicy {
    /// `UNAVAILABLE`; `INTERNAL` naming `INVALID_CURSOR.DISCONNECTED` (the server lost the
    /// stream's cursor, and a reattach picks it up again); anything carrying `RetryInfo`.
    public static func isRetryable(_ error: RPCError) -> Bool {
        switch error.code {
        case .unavailable: return true
        case .internalError where error.message.contains("INVALID_CURSOR.DISCONNECTED"): return true
        default: return serverRetryDelay(in: error) != nil
        }
    }

    /// `RetryInfo.retry_delay` from the `grpc-status-details-bin` trailer (a serialised
    /// `google.rpc.Status` whose `details` are `Any` messages), if the server sent one.
    public static func serverRetryDelay(in error: RPCError) -> Duration? {
        for bytes in error.metadata[binaryValues: "grpc-status-details-bin"] {
            if let delay = try? retryDelay(inStatus: bytes) { return delay }
        }
        return nil
    }

    static let retryInfoType = "type.googleapis.com/google.rpc.RetryInfo"

    /// google.rpc.Status { details = 3 (Any { type_url = 1, value = 2 }) };
    /// RetryInfo { retry_delay = 1 (Duration { seconds = 1, nanos = 2 }) }.
    static func retryDelay(inStatus bytes: [UInt8]) throws(ProtobufError) -> Duration? {
        var status = ProtobufReader(bytes)
        while let (field, value) = try status.next() {
            guard field == 3, let any = value.slice else { continue }
            var typeURL: String?
            var payload: ArraySlice<UInt8>?
            var anyReader = ProtobufReader(any)
            while let (anyField, anyValue) = try anyReader.next() {
                if anyField == 1 { typeURL = anyValue.string }
                if anyField == 2 { payload = anyValue.slice }
            }
            guard typeURL == retryInfoType, let payload else { continue }
            var info = ProtobufReader(payload)
            while let (infoField, infoValue) = try info.next() {
                guard infoField == 1, let durationBytes = infoValue.slice else { continue }
                var seconds: Int64 = 0
                var nanos: Int64 = 0
                var duration = ProtobufReader(durationBytes)
                while let (durationField, durationValue) = try duration.next() {
                    if durationField == 1 { seconds = durationValue.integer ?? 0 }
                    if durationField == 2 { nanos = durationValue.integer ?? 0 }
                }
                // Clamped: a negative or absurd delay from the wire must not trap or stall.
                let clampedSeconds = min(max(seconds, 0), 86_400)
                let clampedNanos = min(max(nanos, 0), 999_999_999)
                return .seconds(clampedSeconds) + .nanoseconds(clampedNanos)
            }
            return .zero
        }
        return nil
    }
}
