/// Why a conversion, inspection or validation failed. Each message names the file,
/// the place in it where known, and what to do.
public enum ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    case inputNotFound(path: String)
    case outputExists(path: String)
    /// A Delta table is there and no --mode says what to do with it (exit code 3, like any existing output).
    case deltaTableExists(path: String)
    case unreadableInput(path: String, reason: String)
    case unsupportedFormat(path: String, detail: String)
    case unsupportedConversion(input: String, output: String)
    case invalidOption(String)
    /// The input is not what it claims to be: `location` is a line, row or byte position.
    case malformedInput(path: String, location: String, reason: String, fix: String)
    case io(operation: String, path: String, reason: String)
    case outputFailed(path: String, reason: String)
    case cancelled
    /// The process converting `input` died (a trap, a signal, the out-of-memory killer);
    /// other conversions of the batch or server went on.
    case conversionCrashed(input: String, reason: String)
    /// Going on would take more memory than `--max-memory` allows (MemoryBudget): `what`
    /// needs more than `limit` bytes, its share of the `budget`.
    case memoryBudgetExceeded(path: String, location: String, what: String, limit: Int, budget: Int)

    public var description: String {
        switch self {
        case .inputNotFound(let path):
            return "Input file '\(path)' does not exist. Check the path (relative paths start at the current directory)."
        case .outputExists(let path):
            return "Output '\(path)' already exists. Pass --force to overwrite it, or choose another output path."
        case .deltaTableExists(let path):
            return "The Delta table '\(path)' already exists. Pass --mode append to add rows, or --mode overwrite to replace its data (earlier versions stay readable)."
        case .unreadableInput(let path, let reason):
            return "Cannot read '\(path)': \(Self.sentence(reason))"
        case .unsupportedFormat(let path, let detail):
            return "'\(path)' is not in a format pyforge reads (\(detail)). Run 'pyforge formats' to see the supported formats."
        case .unsupportedConversion(let input, let output):
            return "pyforge cannot convert \(input) to \(output). Run 'pyforge formats' to see what each input converts to."
        case .invalidOption(let message):
            return message
        case .malformedInput(let path, let location, let reason, let fix):
            return "'\(path)' is malformed at \(location): \(Self.clause(reason)). \(Self.sentence(fix))"
        case .io(let operation, let path, let reason):
            return "Could not \(operation) '\(path)': \(Self.sentence(reason))"
        case .outputFailed(let path, let reason):
            return "Writing '\(path)' failed: \(Self.sentence(reason)) No output was left behind."
        case .cancelled:
            return "The conversion was interrupted; no output was written."
        case .conversionCrashed(let input, let reason):
            return "Converting '\(input)' \(reason)"
        case .memoryBudgetExceeded(let path, let location, let what, let limit, let budget):
            return "'\(path)' needs more memory than its budget at \(location): \(what) takes more than \(MemoryBudget.describe(limit)), its share of the \(MemoryBudget.describe(budget)) memory budget. Pass a larger --max-memory (for example --max-memory \(MemoryBudget.describe(MemoryBudget.suggestion(above: budget), compact: true))) or set \(MemoryBudget.variable)."
        }
    }

    /// Text without a closing period, to continue a sentence.
    private static func clause(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// Text as a sentence: capitalized, ending in exactly one period.
    private static func sentence(_ text: String) -> String {
        let body = clause(text)
        return body.prefix(1).uppercased() + body.dropFirst() + "."
    }

    /// The process exit code documented in the README.
    public var exitCode: Int32 {
        switch self {
        case .outputExists, .deltaTableExists: return 3
        case .inputNotFound: return 4
        case .cancelled: return 130
        default: return 1
        }
    }
}

/// Worker processes report a failure to their parent as JSON (IsolatedConversion).
extension ConversionError: Codable {}
