import ExtensionProtocol

/// Why an extension did not convert a file; every case makes the host fall back to its
/// built-in converter (or fail, when the user required that extension).
public enum ExtensionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case spawnFailed(String)
    case crashed(exit: String, stderrTail: [String])
    case timedOut(phase: String, seconds: Double)
    case malformedMessage(String)
    case messageTooLarge(bytes: Int)
    case versionMismatch(String)
    case declined(String?)
    case errorResponse(ResponseError)
    case badOutput(String)
    /// Skipped without starting: it failed too often recently (the circuit is open).
    case coolingDown(until: String, lastError: String)

    public var description: String {
        switch self {
        case .spawnFailed(let reason): return "it could not be started (\(reason))"
        case .crashed(let exit, let tail):
            let words = StderrTail.summary(tail)
            return "it \(exit)" + (words.isEmpty ? "" : "; its last words on stderr: \(words)")
        case .timedOut(let phase, let seconds): return "it did not answer \(phase) within \(seconds) s"
        case .malformedMessage(let detail): return "it wrote something that is not a protocol message on stdout (\(detail))"
        case .messageTooLarge(let bytes): return "it sent a \(bytes)-byte line, over the protocol's limit"
        case .versionMismatch(let advice): return advice
        case .declined(let reason): return "it declined" + (reason.map { ": \(Self.clause($0))" } ?? "")
        case .errorResponse(let error): return "it failed: \(Self.clause(error.message)) (code \(error.code))"
        case .badOutput(let reason): return "its output is not valid: \(Self.clause(reason))"
        case .coolingDown(let until, let lastError):
            return "it is skipped until \(until) after failing \(HealthStoreLimits.tripAfter) times in a row (last: \(Self.clause(lastError)))"
        }
    }

    /// A sentence an extension (or an error) wrote, as a clause of the host's own sentence:
    /// without its final period, so the warning never reads "….; the built-in engine …".
    static func clause(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == "." || last == " " { text = text.dropLast() }
        return String(text)
    }

    /// A machine-readable reason for `--json` and the health record.
    public var reason: String {
        switch self {
        case .spawnFailed: return "spawnFailed"
        case .crashed: return "crashed"
        case .timedOut: return "timedOut"
        case .malformedMessage: return "malformedMessage"
        case .messageTooLarge: return "messageTooLarge"
        case .versionMismatch: return "versionMismatch"
        case .declined: return "declined"
        case .errorResponse: return "errorResponse"
        case .badOutput: return "badOutput"
        case .coolingDown: return "coolingDown"
        }
    }
}

enum HealthStoreLimits {
    static let tripAfter = HealthStore.tripAfter
}
