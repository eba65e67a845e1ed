/// Why the extension could not convert, as a full sentence (secrets already removed).
struct ConversionFailure: Error, Sendable, CustomStringConvertible {
    /// The protocol's `data.reason`: `engineFailed` (Spark itself failed; the host does not
    /// hold it against the extension), `sparkFailed`, `volumeFailed`, `coreFailed`, `badInput`.
    var reason: String
    var message: String

    var description: String { message }
}
