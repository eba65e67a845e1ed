/// The profiles of a `~/.databrickscfg` file: INI sections of `key = value` lines.
///
/// Lines starting with `#` or `;` are comments; keys are case-insensitive, as in the
/// Databricks SDKs. Errors name the line number, never the line: it may hold a token.
struct DatabricksConfigFile: Sendable {
    /// Profile name to its keys (lowercased) and values.
    var profiles: [String: [String: String]]

    enum ParseError: Error, Equatable {
        case malformedLine(Int)
    }

    init(parsing text: String) throws(ParseError) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw .malformedLine(index + 1) }
                let name = line.dropFirst().dropLast().trimmingWhitespace()
                current = name
                profiles[name, default: [:]] = profiles[name] ?? [:]
                continue
            }
            guard let current, let equals = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .malformedLine(index + 1)
            }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = line[line.index(after: equals)...].trimmingWhitespace()
            guard !key.isEmpty else { throw .malformedLine(index + 1) }
            profiles[current, default: [:]][key] = value
        }
        self.profiles = profiles
    }
}
