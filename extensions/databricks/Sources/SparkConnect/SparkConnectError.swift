/// Everything that can go wrong talking to Spark, as messages a user can act on.
public enum SparkConnectError: Error, Sendable, CustomStringConvertible {
    /// The connection string does not parse.
    case invalidRemote(String)
    /// A PYFORGE_SPARK_* setting is out of range.
    case invalidSetting(String)
    /// No server listens, DNS fails, TLS fails.
    case unreachable(server: String, detail: String)
    /// The server refused the token (or none was sent).
    case unauthenticated(server: String, detail: String)
    /// Spark ran the plan and it failed: the error class (e.g. `PATH_NOT_FOUND`) and message.
    case failed(errorClass: String?, message: String)
    /// Anything else the gRPC layer reports.
    case rpc(code: String, message: String)
    case protocolError(ProtobufError)

    public var description: String {
        switch self {
        case .invalidRemote(let message), .invalidSetting(let message):
            return message
        case .unreachable(let server, let detail):
            return "Cannot reach the Spark Connect server at \(server) (\(detail)). Check that it is running and that SPARK_REMOTE or --spark-remote names the right host and port."
        case .unauthenticated(let server, let detail):
            return "The Spark Connect server at \(server) rejected the credentials (\(detail)). Check the token in SPARK_REMOTE (;token=...) or DATABRICKS_TOKEN."
        case .failed(let errorClass, let message):
            let advice: String
            switch errorClass {
            case "PATH_NOT_FOUND": advice = " Check that the path exists where Spark runs (on Databricks, a /Volumes/... path)."
            case "INSUFFICIENT_PERMISSIONS", "PERMISSION_DENIED": advice = " Ask for the privileges named above."
            case "PATH_ALREADY_EXISTS", "TABLE_OR_VIEW_ALREADY_EXISTS": advice = " Use --force to replace it."
            case "DATA_SOURCE_NOT_FOUND": advice = " This Spark cluster lacks that data source; use --engine core or a cluster that has it."
            default: advice = ""
            }
            return "Spark failed: \(message)\(advice)"
        case .rpc(let code, let message):
            return "The Spark Connect call failed (\(code)): \(message)"
        case .protocolError(let error):
            return error.description
        }
    }

    /// The server could not be reached (after the retries the policy allows).
    public var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }

    /// Spark error messages start with their error class in brackets: "[PATH_NOT_FOUND] ...".
    static func errorClass(of message: String) -> String? {
        guard message.hasPrefix("["), let close = message.firstIndex(of: "]") else { return nil }
        let name = message[message.index(after: message.startIndex)..<close]
        guard !name.isEmpty, name.allSatisfy({ $0.isUppercase || $0 == "_" || $0 == "." || $0.isNumber }) else { return nil }
        return String(name.split(separator: ".").first ?? name)
    }
}
