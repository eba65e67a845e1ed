import Synchronization

/// How much memory one conversion may use (`--max-memory`, `PYFORGE_MAX_MEMORY`). The
/// readers and writers take their bounds from it, each a fixed share, so that the parts
/// that grow with the input together stay within it: a record (CSV line, JSON record) or a
/// single value (memo) at most an eighth, a PDF stream a quarter, the Excel shared-strings
/// table a quarter, a reader batch's text a sixteenth (at most 512 MiB), a Parquet row group
/// an eighth (at most 128 MiB). Past a bound the conversion
/// stops with `ConversionError.memoryBudgetExceeded`. A bug that allocates past them all
/// meets the backstop (MemoryBackstop): RLIMIT_DATA at the budget plus headroom.
public struct MemoryBudget: Sendable, Equatable {
    public let bytes: Int

    /// 1.5 GiB: with the backstop's headroom (512 MiB for the runtime, libraries, thread
    /// stacks and buffers that do not grow with the input) no conversion passes 2 GiB.
    public static let defaultBytes = 1536 << 20
    /// Below this the fixed buffers (batches of 4 Mi cells, the sniffing sample, 64 MiB
    /// records) would not fit.
    public static let minimumBytes = 256 << 20
    public static let variable = "PYFORGE_MAX_MEMORY"

    public init(bytes: Int) { self.bytes = bytes }

    public static let `default` = MemoryBudget(bytes: defaultBytes)

    /// The largest single record or value held whole.
    public var valueBytes: Int { bytes / 8 }
    /// The text of one reader batch (rows end a batch early when it is reached): the
    /// pipeline holds about four (two queued, one read, one written), and one row may add
    /// as much again. Under 1 GiB, so that 32-bit value offsets never overflow.
    public var batchBytes: Int { Swift.min(bytes / 16, 512 << 20) }
    /// The Excel shared-strings table, held for the whole workbook.
    public var sharedStringsBytes: Int { bytes / 4 }
    /// A Parquet row group, encoded and held until it is written.
    public var rowGroupBytes: Int { Swift.min(128 << 20, bytes / 8) }
    /// The backstop limit on the process's private writable memory.
    public var backstopBytes: Int { bytes + Swift.max(512 << 20, bytes / 4) }

    /// The error for `what` at `location` of `path` needing more than `limit` bytes.
    public func exceeded(path: String, location: String, what: String, limit: Int) -> ConversionError {
        .memoryBudgetExceeded(path: path, location: location, what: what, limit: limit, budget: bytes)
    }

    // MARK: The budget of this process

    private static let installed = Atomic<Int>(defaultBytes)

    /// The budget set for this process (the default until `install`).
    public static var current: MemoryBudget { MemoryBudget(bytes: installed.load(ordering: .relaxed)) }

    /// Makes `budget` this process's: the readers' bounds and the backstop.
    public static func install(_ budget: MemoryBudget) {
        installed.store(budget.bytes, ordering: .relaxed)
        MemoryBackstop.limit(to: budget.backstopBytes)
        MemoryBackstop.prepare(input: nil)
    }

    /// The budget `--max-memory` (when given), else `PYFORGE_MAX_MEMORY`, else the default.
    public static func resolve(option: String?, environment: [String: String]) throws(ConversionError) -> MemoryBudget {
        if let option {
            guard let bytes = parse(option) else { throw .invalidOption(invalid(option, source: "--max-memory")) }
            return MemoryBudget(bytes: bytes)
        }
        if let text = environment[variable], !text.isEmpty {
            guard let bytes = parse(text) else { throw .invalidOption(invalid(text, source: variable)) }
            return MemoryBudget(bytes: bytes)
        }
        return .default
    }

    public static func invalid(_ text: String, source: String) -> String {
        "\(source) must be a size of at least \(describe(minimumBytes)), such as 2G or 512M (K, M, G, T: powers of 1024); got '\(text)'."
    }

    /// `2G`, `512M`, `1.5G`, `4096K`, `2GiB`, or a byte count; nil when unreadable or below
    /// the minimum.
    public static func parse(_ text: String) -> Int? {
        var digits = Substring(text.uppercased())
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var scale = 1.0
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let number = Double(digits), number.isFinite else { return nil }
        let bytes = number * scale
        guard bytes >= Double(minimumBytes), bytes <= Double(1 << 50) else { return nil }
        return Int(bytes)
    }

    /// `1.5 GiB`, `384 MiB` (`compact`: `1536M`, `4G`, as --max-memory takes them).
    public static func describe(_ bytes: Int, compact: Bool = false) -> String {
        if compact {
            return bytes % (1 << 30) == 0 ? "\(bytes >> 30)G" : "\(Swift.max(1, bytes >> 20))M"
        }
        if bytes >= 1 << 30 {
            let tenths = (bytes * 10 + (1 << 29)) >> 30
            return tenths % 10 == 0 ? "\(tenths / 10) GiB" : "\(tenths / 10).\(tenths % 10) GiB"
        }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }

    /// A budget worth suggesting after `budget` was too small: the next whole number of
    /// GiB at least twice it.
    public static func suggestion(above budget: Int) -> Int {
        let doubled = budget.multipliedReportingOverflow(by: 2)
        guard !doubled.overflow else { return budget }
        return ((doubled.partialValue + (1 << 30) - 1) >> 30) << 30
    }
}
