import Platform
import Synchronization
import FormatKit
import ExcelFormat

/// One file of a batch: what was converted, or why not.
public struct BatchFileOutcome: Encodable, Sendable {
    public var input: String
    public var results: [ConversionResult]
    public var error: ConversionError?
    public var seconds: Double

    public var succeeded: Bool { error == nil }
    public var rows: Int { results.reduce(0) { $0 + $1.rows } }
    public var bytesIn: Int64 { results.first?.bytesIn ?? fileSize(input) }
    public var bytesOut: Int64 { results.reduce(0) { $0 + $1.bytesOut } }

    public init(input: String, results: [ConversionResult] = [], error: ConversionError? = nil, seconds: Double = 0) {
        self.input = input
        self.results = results
        self.error = error
        self.seconds = seconds
    }

    /// A result object as `convert --json` prints it for one file (a workbook with several
    /// sheets: `{success, input, outputs}`), or a failure object.
    public func encode(to encoder: any Encoder) throws {
        if let error {
            var container = encoder.container(keyedBy: FailureKeys.self)
            try container.encode(false, forKey: .success)
            try container.encode(input, forKey: .input)
            try container.encode(error.description, forKey: .error)
            try container.encode(error.exitCode, forKey: .exitCode)
        } else if results.count == 1 {
            try results[0].encode(to: encoder)
        } else {
            try MultiConversionResult(input: input, outputs: results).encode(to: encoder)
        }
    }

    enum FailureKeys: String, CodingKey {
        case success, input, error
        case exitCode = "exit_code"
    }
}

/// Totals over a batch.
public struct BatchSummary: Encodable, Sendable {
    public var files: Int
    public var succeeded: Int
    public var failed: Int
    public var rows: Int
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var seconds: Double
    public var workers: Int

    public init(_ outcomes: [BatchFileOutcome], seconds: Double, workers: Int) {
        files = outcomes.count
        succeeded = outcomes.filter(\.succeeded).count
        failed = files - succeeded
        rows = outcomes.reduce(0) { $0 + $1.rows }
        bytesIn = outcomes.filter(\.succeeded).reduce(0) { $0 + $1.bytesIn }
        bytesOut = outcomes.reduce(0) { $0 + $1.bytesOut }
        self.seconds = seconds
        self.workers = workers
    }

    enum CodingKeys: String, CodingKey {
        case files, succeeded, failed, rows, seconds, workers
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
    }
}

/// What `convert --json` prints in batch mode.
public struct BatchReport: Encodable, Sendable {
    public var success: Bool
    public var results: [BatchFileOutcome]
    public var summary: BatchSummary

    public init(results: [BatchFileOutcome], summary: BatchSummary) {
        self.results = results
        self.summary = summary
        success = summary.failed == 0
    }
}

/// Many inputs converted independently, several at a time: `pyforge convert 'data/*.csv' --output-dir out/`.
public enum BatchConversion {
    /// True when the arguments ask for a batch: more than two paths, any glob pattern, or
    /// two paths with an output directory (two plain paths are still INPUT OUTPUT).
    public static func isBatch(_ arguments: [String], outputDirectory: String?) -> Bool {
        if arguments.contains(where: isPattern) { return true }
        if arguments.count > 2 { return true }
        return arguments.count == 2 && outputDirectory != nil
    }

    public static func isPattern(_ argument: String) -> Bool {
        argument.contains("*") || argument.contains("?") || argument.contains("[")
    }

    /// Expands glob patterns with glob(3), in argument order, each file once. A pattern
    /// that matches nothing is a failed outcome of its own.
    public static func expand(_ arguments: [String]) -> (paths: [String], failures: [BatchFileOutcome]) {
        var paths: [String] = []
        var seen = Set<String>()
        var failures: [BatchFileOutcome] = []
        func add(_ path: String) {
            if seen.insert(path).inserted { paths.append(path) }
        }
        for argument in arguments {
            guard isPattern(argument) else {
                add(argument)
                continue
            }
            var matches = glob_t()
            defer { globfree(&matches) }
            let status = glob(argument, 0, nil, &matches)
            var found: [String] = []
            if status == 0 {
                for i in 0..<Int(matches.gl_pathc) {
                    if let raw = matches.gl_pathv[i] {
                        let path = String(cString: raw)
                        if !Converter.isDirectory(path) { found.append(path) }
                    }
                }
            }
            if found.isEmpty {
                failures.append(BatchFileOutcome(
                    input: argument,
                    error: .invalidOption("The pattern '\(argument)' matched no files. Check the pattern (quote it so the shell does not expand it).")))
            }
            found.forEach(add)
        }
        return (paths, failures)
    }

    /// One request per input, writing `<stem>.<ext>` into `outputDirectory` (default: beside
    /// each input); a workbook with several sheets writes the directory `<stem>_<format>`.
    /// Two inputs that would write the same output are refused before anything is written.
    public static func plan(
        _ paths: [String], template: ConvertRequest, outputDirectory: String?
    ) throws(ConversionError) -> [ConvertRequest] {
        var directory = outputDirectory
        if var dir = directory {
            while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
            directory = dir
        }
        var requests: [ConvertRequest] = []
        var claimed: [String: String] = [:]
        for path in paths {
            var request = template
            request.inputPath = path
            let format = template.format ?? InputFormat(path: path)?.defaultOutput ?? .parquet
            request.format = format
            let stem = Converter.stem(of: path)
            let name: String
            if format == .delta {
                name = stem + "_delta"
            } else if sheetOutputs(path, template.excel) || tableOutputs(path) {
                name = stem + "_" + format.rawValue
            } else {
                name = stem + "." + format.fileExtension
            }
            let output = directory.map { $0 == "/" ? "/" + name : $0 + "/" + name } ?? Converter.siblingPath(of: path, named: name)
            request.outputPath = output
            if let other = claimed[output] {
                throw .invalidOption(
                    "'\(other)' and '\(path)' would both be written to '\(output)'; nothing was converted. Rename one of them or convert them separately.")
            }
            claimed[output] = path
            requests.append(request)
        }
        return requests
    }

    /// True when an Excel input has several sheets to write, each to its own file.
    static func sheetOutputs(_ path: String, _ options: ExcelOptions) -> Bool {
        guard InputFormat(path: path) == .excel, !options.combine, access(path, R_OK) == 0 else { return false }
        guard let workbook = try? ExcelWorkbook(path: path, limits: options.limits),
              let selected = try? ExcelSelection.sheets(workbook, options) else { return false }
        return selected.count > 1
    }

    /// Access databases write one file per table, into `<stem>_<format>/`, even when
    /// `--tables` selects a single table: `Converter.convertAll` converts a database into a
    /// directory unless the output is an explicit file, which batch mode never gives it.
    static func tableOutputs(_ path: String) -> Bool {
        InputFormat(path: path) == .access
    }

    /// Creates the output directory (and its parents) when missing; returns what it made.
    @discardableResult
    public static func makeDirectory(_ path: String) throws(ConversionError) -> CreatedDirectories {
        try CreatedDirectories.make(path)
    }

    /// The number of workers: `PYFORGE_PARALLEL_WORKERS`, else the number of cores.
    public static func defaultWorkers(environment: [String: String]) -> Int {
        if let raw = environment["PYFORGE_PARALLEL_WORKERS"], let value = Int(raw.trimmingSpaces), value > 0 { return value }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Runs every request on up to `workers` threads; one failure never stops the others.
    /// `finished` is called on a worker thread as each file ends. Outcomes are in request order.
    public static func run(
        _ requests: [ConvertRequest], workers: Int,
        convert: @escaping @Sendable (ConvertRequest) throws(ConversionError) -> [ConversionResult],
        finished: @escaping @Sendable (BatchFileOutcome) -> Void
    ) -> [BatchFileOutcome] {
        let next = Mutex(0)
        let outcomes = Mutex<[BatchFileOutcome?]>(Array(repeating: nil, count: requests.count))
        let count = min(max(1, workers), max(1, requests.count))
        let threads = (0..<count).map { _ in
            BackgroundThread {
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < requests.count else { return }
                    let request = requests[index]
                    let started = monotonicSeconds()
                    var outcome: BatchFileOutcome
                    do throws(ConversionError) {
                        let results = try convert(request)
                        outcome = BatchFileOutcome(input: request.inputPath, results: results, seconds: monotonicSeconds() - started)
                    } catch {
                        outcome = BatchFileOutcome(input: request.inputPath, error: error, seconds: monotonicSeconds() - started)
                    }
                    finished(outcome)
                    let done = outcome
                    outcomes.withLock { $0[index] = done }
                }
            }
        }
        threads.forEach { $0.start() }
        threads.forEach { $0.join() }
        return outcomes.withLock { $0.map { $0! } }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
