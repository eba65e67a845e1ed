/// Reads the shape of a Databricks runtime version string.
enum RuntimeVersion {
    /// Serverless versions are `client.<major>[.<minor>]`, the pattern MLflow checks.
    static func isServerless(_ version: String) -> Bool {
        guard version.hasPrefix("client.") else { return false }
        let numbers = version.dropFirst("client.".count).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(numbers.count) else { return false }
        return numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
    }

    /// Classic versions start with `<major>.<minor>`, for example `15.4.x-scala2.12` or `16.4.x-gpu-ml-scala2.12`.
    static func isClassic(_ version: String) -> Bool {
        let parts = version.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        return parts[0].allSatisfy(\.isASCIIDigit) && !parts[0].isEmpty
            && parts[1].allSatisfy(\.isASCIIDigit) && !parts[1].isEmpty
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
