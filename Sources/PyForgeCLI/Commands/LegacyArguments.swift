/// PyForge 1.x spellings that the parser cannot take as they are, rewritten before parsing.
enum LegacyArguments {
    /// `install sample-datasets -v v1.0.0` / `--version v1.0.0`: 1.x's dataset release. In
    /// 2.x `-v` is --verbose and `--version` prints pyforge's version, so the release
    /// becomes `--release` (which notes that it no longer selects anything). `-v` counts as
    /// 1.x's only when a version-looking value follows it; otherwise it stays --verbose.
    static func rewrite(_ arguments: [String]) -> [String] {
        guard let at = arguments.firstIndex(of: "sample-datasets"), arguments[..<at].contains("install") else { return arguments }
        var result = Array(arguments[...at])
        var index = at + 1
        while index < arguments.count {
            let argument = arguments[index]
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            if argument.hasPrefix("--version=") {
                result.append("--release=" + argument.dropFirst("--version=".count))
            } else if argument == "--version", let next, !next.hasPrefix("-") {
                result += ["--release", next]
                index += 1
            } else if argument == "-v", let next, looksLikeVersion(next) {
                result += ["--release", next]
                index += 1
            } else {
                result.append(argument)
            }
            index += 1
        }
        return result
    }

    static func looksLikeVersion(_ text: String) -> Bool {
        let body = text.hasPrefix("v") || text.hasPrefix("V") ? text.dropFirst() : Substring(text)
        return body.first?.isNumber == true && body.allSatisfy { $0.isNumber || $0 == "." || $0.isLetter || $0 == "-" }
    }
}
