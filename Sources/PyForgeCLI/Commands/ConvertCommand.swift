import Platform
import ArgumentParser
import Conversion
import ExtensionHost
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Parquet
import Pipeline
import FormatKit

/// `pyforge convert INPUT [OUTPUT]`, or a batch: `pyforge convert 'data/*.csv' more.json --output-dir out/`.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a file, or a batch of files (glob patterns, --output-dir, --workers), to Parquet (default), CSV, JSON, NDJSON or a Delta Lake table; a PDF to text.",
        discussion: "The output defaults to <input stem>.<format> beside the input (<input stem>_delta for Delta). A file is written to a temporary file and renamed into place only when complete; a Delta table gets its data files first and becomes visible in one log commit.\n\nBatch mode: glob patterns (quoted, expanded by pyforge), more than two paths, or two paths with --output-dir convert every file independently in --workers worker processes (default: PYFORGE_PARALLEL_WORKERS, else the number of cores; a crash or an out-of-memory kill fails that file only), each to <output dir or its own directory>/<stem>.<format>. One line per file, then a summary; exit code 1 if any file failed, after the others finished.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: ArgumentHelp(
        "The file to convert, then optionally the output file or directory (default: beside the input). Batch: several files or quoted glob patterns.",
        valueName: "input"))
    var paths: [String]

    @Option(help: "Batch: directory for the outputs (created if missing; default: beside each input).")
    var outputDir: String?

    @Option(help: "Batch: files converted at once (default: PYFORGE_PARALLEL_WORKERS, else the number of cores).")
    var workers: Int?

    /// Internal: a batch's worker process, converting the inputs named on its stdin as
    /// the batch the other arguments describe would (ConvertCommand+Batch).
    @Flag(help: ArgumentHelp(visibility: .private))
    var batchWorker = false

    /// The single input (not a batch).
    var input: String { paths[0] }

    /// The single input's output: the second path, else --output-dir.
    /// `--output-dir` with one input names a directory, as an output ending in `/` does.
    var output: String? { paths.count > 1 ? paths[1] : outputDir.map { $0.hasSuffix("/") ? $0 : $0 + "/" } }

    var isBatch: Bool { BatchConversion.isBatch(paths, outputDirectory: outputDir) }

    @Option(name: .shortAndLong, help: "Output format: parquet, csv, json, ndjson, delta; text for PDF input (default: from the output's extension, else parquet; text for a PDF).")
    var format: OutputFormat?

    @Option(name: .shortAndLong, help: "Parquet compression: snappy (default), zstd, gzip, none.")
    var compression: CompressionChoice?

    @Option(help: "Compression level for zstd (1-22, default 3) or gzip (1-9, default 6).")
    var compressionLevel: Int?

    @Option(help: "Rows per Parquet row group (default: row groups of about 128 MiB).")
    var rowGroupSize: Int?

    @Option(help: "Parquet bloom filters (split-block, about 1% false positives) for these columns, comma-separated, or 'all'; readers such as DuckDB, Spark and pyarrow use them to skip row groups in equality filters.")
    var bloomFilter: OptionList?

    @Option(help: "Engine: auto (an extension that claims the file, else built-in), core (built-in only), spark (Spark Connect, through the Databricks extension; falls back to core if Spark fails), or an extension's name (required; no fallback).")
    var engine: String = "auto"

    @Option(help: "With --engine spark: write a catalog table (saveAsTable) instead of a file, e.g. main.sales.orders; -f delta or parquet, --mode error|append|overwrite.")
    var table: String?

    @Option(help: "Spark Connect server for --engine spark/auto, e.g. sc://host:15002/;token=TOKEN (default: SPARK_REMOTE, or Databricks Connect settings).")
    var sparkRemote: String?

    @Option(help: "A Unity Catalog Volume directory where a Spark cluster and this machine meet, e.g. /Volumes/main/default/scratch: a local input is uploaded there for Spark, and Spark's output for a local file is staged there (both removed afterwards).")
    var sparkStaging: String?

    // PyForge 1.x's switch to its PySpark CSV converter; Spark now runs through --engine spark.
    @Flag(help: .hidden)
    var forcePyspark = false

    @Flag(help: "Overwrite the output if it exists.")
    var force = false

    @Flag(help: "Write every column as a string, exactly as in the file (PyForge 1.x behaviour).")
    var allStrings = false

    @Flag(help: "Print one JSON object describing the result on stdout (messages stay on stderr).")
    var json = false

    @Flag(help: "Print the inferred columns (name and type) and exit without writing anything.")
    var previewSchema = false

    @OptionGroup(title: "CSV input") var csv: CSVInputOptions

    @OptionGroup(title: "JSON input") var jsonInput: JSONInputOptions

    @OptionGroup(title: "XML input") var xml: XMLInputOptions

    @OptionGroup(title: "Excel input") var excel: ExcelInputOptions

    @OptionGroup(title: "dBase input") var dbase: DBaseInputOptions

    @OptionGroup(title: "Access input") var accessInput: AccessInputOptions

    @OptionGroup(title: "PDF input") var pdf: PDFInputOptions

    @OptionGroup(title: "Delta output") var delta: DeltaOutputOptions

    func validate() throws {
        if forcePyspark, !["auto", "spark"].contains(engine.lowercased()) {
            throw ValidationError("--force-pyspark (PyForge 1.x) means --engine spark; it cannot be combined with --engine \(engine).")
        }
        if paths.isEmpty {
            throw ValidationError("Missing expected argument '<input>'.")
        }
        try usageError { () throws(ConversionError) in try convertOptions.validate(name: .flag) }
        try csv.checkEncoding(for: isBatch ? paths : [input])
        if let workers, workers <= 0 {
            throw ValidationError("--workers must be a positive number of threads.")
        }
        if isBatch && previewSchema {
            throw ValidationError("--preview-schema takes one input; it cannot be combined with several files or patterns.")
        }
        if table != nil {
            guard engine.lowercased() == "spark" else {
                throw ValidationError("--table writes a catalog table through Spark; add --engine spark.")
            }
            guard !isBatch, output == nil, outputDir == nil else {
                throw ValidationError("--table takes one input and no output path: the table is the output.")
            }
        }
        try checkApplicability()
    }

    /// The engine asked for: --force-pyspark is 1.x's --engine spark.
    var engineName: String { forcePyspark ? "spark" : engine }

    func run() throws {
        let console = Console(verbose: globals.verbose)
        try globals.installMemoryBudget()
        if forcePyspark {
            console.warning("--force-pyspark is PyForge 1.x's flag; it now means --engine spark (Spark Connect through the Databricks extension; see 'pyforge extensions list').")
        }
        if batchWorker {
            runAsWorker(console)
            return
        }
        if previewSchema {
            try preview(console)
            return
        }
        if isBatch {
            try runBatch(console)
            return
        }
        // Missing output directories (`out/new/data.parquet`, `output_dir/`) are created as in
        // PyForge 1.x, and removed again if the conversion fails (ConversionService).
        try runSingle(console)
    }

    /// The process environment, with --spark-remote and --spark-staging passed on as the
    /// Databricks extension reads them (`ConvertOptions.environment`).
    var conversionEnvironment: [String: String] { convertOptions.environment(ProcessInfo.processInfo.environment) }

    /// Every option of the command line in the schema `pyforge serve` and the Python API share.
    var convertOptions: ConvertOptions {
        var options = ConvertOptions()
        options.format = format
        options.force = force
        options.engine = engineName
        options.compression = compression
        options.compressionLevel = compressionLevel
        options.rowGroupSize = rowGroupSize
        options.bloomFilter = bloomFilter
        options.allStrings = allStrings
        options.table = table
        options.sparkRemote = sparkRemote
        options.sparkStaging = sparkStaging
        let groups: [any ConvertOptionGroup] = [csv, jsonInput, xml, excel, dbase, accessInput, pdf, delta]
        for group in groups { group.fill(&options) }
        return options
    }

    /// The request the options describe, for the single input.
    var request: ConvertRequest { convertOptions.request(input: input, output: output) }

    func runSingle(_ console: Console) throws {
        let request = self.request
        MemoryBackstop.prepare(input: request.inputPath)
        do {
            let prepared = try ConversionService.prepare(
                ConversionRequest(options: request, engine: EngineChoice(engineName), environment: conversionEnvironment))
            let progress = ProgressCounter(totalBytes: prepared.input.size)
            let display = ProgressDisplay(label: input, counter: progress)
            display.start()
            let results: [ConversionResult]
            do {
                results = try prepared.run(progress: progress, logger: console.logger)
                display.stop()
            } catch {
                display.stop()
                throw error
            }
            for result in results { console.reportConversion(result) }
            if json {
                // One output: the same object as for CSV; several (Excel sheets): a list.
                if results.count == 1 { try console.printJSON(results[0]) } else { try console.printJSON(MultiConversionResult(input: input, outputs: results)) }
            }
        } catch let error as ConversionError {
            if json { try console.printJSON(FailureReport(input: input, error: error)) }
            throw CommandFailure(error)
        }
    }
}

extension ConvertCommand {
    /// `--preview-schema`: the columns a conversion would write, from a full read of the input.
    func preview(_ console: Console) throws {
        do {
            let info = try FileInspector.info(path: input, options: convertOptions)
            if json {
                try console.printJSON(info.columns.map { ["name": $0.name, "type": $0.type] })
                return
            }
            let table = TextTable(headers: ["Column", "Type"])
            for column in info.columns { table.add([column.name, column.type]) }
            print(table.render(), terminator: "")
            console.status("\(info.columns.count) columns, \(info.rows) rows; nothing was written.")
        } catch let error as ConversionError {
            if json { try console.printJSON(FailureReport(input: input, error: error)) }
            throw CommandFailure(error)
        }
    }
}

/// The `--json` object printed when a command fails.
struct FailureReport: Encodable {
    var success = false
    var input: String
    var error: String
    var exitCode: Int32

    init(input: String, error: ConversionError) {
        self.input = input
        self.error = error.description
        exitCode = error.exitCode
    }

    enum CodingKeys: String, CodingKey {
        case success, input, error
        case exitCode = "exit_code"
    }
}
