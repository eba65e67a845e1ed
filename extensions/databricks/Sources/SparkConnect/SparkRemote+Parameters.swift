/// The `;key=value` parameters every connection string carries, `sc://` and `unix://` alike.
extension SparkRemote {
    /// Applies `parameters` (the parts after the address, split at `;`). `use_ssl=true` sets
    /// `useTLS`; the caller decides what a token means for TLS on its kind of address.
    mutating func applyParameters(
        _ parameters: ArraySlice<Substring>, invalid: (String) -> SparkConnectError
    ) throws(SparkConnectError) {
        for (offset, parameter) in parameters.enumerated() where !parameter.isEmpty {
            // Not echoed: a parameter without '=' may be a pasted secret.
            guard let equals = parameter.firstIndex(of: "=") else { throw invalid("parameter \(offset + 1) is not key=value") }
            let key = String(parameter[..<equals])
            guard !key.isEmpty else { throw invalid("a parameter has no name before '='") }
            let value = String(parameter[parameter.index(after: equals)...]).removingPercentEncoding()
            // Names are case sensitive: `Token` is not `token` but an unknown parameter.
            switch key {
            case "token": token = value
            case "use_ssl":
                guard let flag = Bool(value.lowercased()) else { throw invalid("use_ssl must be true or false") }
                useTLS = flag
            case "user_id": userID = value
            case "user_agent":
                guard !value.isEmpty, value.utf8.count <= 2048 else { throw invalid("user_agent must have 1 to 2048 characters") }
                userAgent = value
            case "session_id":
                // The specification: "The value must be provided in a valid UUID string format."
                guard SparkRemote.isUUID(value) else { throw invalid("session_id must be a UUID such as 550e8400-e29b-41d4-a716-446655440000") }
                sessionID = value.lowercased()
            case _ where SparkRemote.channelOptions.contains(key): break
            default:
                // Sent as gRPC metadata, whose names are lowercase tokens: changing the case
                // would send a different parameter than the one written, so refuse instead.
                guard SparkRemote.isMetadataKey(key) else {
                    throw invalid("the parameter '\(key.prefix(40))' is not a Spark Connect parameter (names are case sensitive) and cannot be sent as gRPC metadata")
                }
                headers[key] = value
            }
        }
    }
}

extension String {
    /// Decodes %XX escapes (connection-string values may carry them); invalid escapes stay.
    func removingPercentEncoding() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
