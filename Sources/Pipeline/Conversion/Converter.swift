import Platform
import Columnar
import Logging
import FormatKit
import CSVFormat
import AccessFormat
import PDFFormat
import ExcelFormat
import Delta
import Parquet
import JSONFormat
import XMLFormat
import DBaseFormat

/// A conversion as the user asked for it.
public struct ConvertRequest: Sendable {
    public var inputPath: String
    public var outputPath: String?
    public var format: OutputFormat?
    public var force: Bool
    public var csv: CSVOptions
    public var json: JSONOptions
    public var output: OutputOptions
    public var delta: DeltaOptions
    public var xml = XMLOptions()
    public var excel = ExcelOptions()
    public var dbase = DBaseOptions()
    public var access = AccessOptions()
    public var pdf = PDFOptions()
    /// A catalog table to write instead of a file (`--table`; only engines with a catalog,
    /// Spark, write tables). Its mode is `delta.mode`.
    public var table: String?

    public init(
        inputPath: String, outputPath: String? = nil, format: OutputFormat? = nil, force: Bool = false,
        csv: CSVOptions = CSVOptions(), json: JSONOptions = JSONOptions(), output: OutputOptions = OutputOptions(),
        delta: DeltaOptions = DeltaOptions()
    ) {
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.format = format
        self.force = force
        self.csv = csv
        self.json = json
        self.output = output
        self.delta = delta
    }
}

/// The built-in ("core") conversion engine.
public enum Converter {
    /// Opens `path` as a table source according to its extension.
    public static func source(
        for path: String, csv: CSVOptions, json: JSONOptions = JSONOptions(), xml: XMLOptions = XMLOptions(),
        excel: ExcelOptions = ExcelOptions(), dbase: DBaseOptions = DBaseOptions(),
        access accessOptions: AccessOptions = AccessOptions()
    ) throws(ConversionError) -> TableSource {
        var request = ConvertRequest(inputPath: path, csv: csv, json: json)
        request.xml = xml
        request.excel = excel
        request.dbase = dbase
        request.access = accessOptions
        return try source(for: OpenedInput(path: path, format: InputFormat(path: path), size: 0), request: request)
    }

    /// Opens `input` as a table source according to its (resolved) format, with the format's
    /// options from `request`; what the front door opened (a workbook) is read from, not opened again.
    static func source(for input: OpenedInput, request: ConvertRequest) throws(ConversionError) -> TableSource {
        let path = input.path
        // A workbook the front door opened was there; any other input is looked for here.
        guard input.opened != nil || access(path, F_OK) == 0 else { throw .inputNotFound(path: path) }
        guard let format = input.format else { throw unknownInputFormat(path) }
        return try format.registered.open(FormatInput(path: path, opened: input.opened), request)
    }

    /// The error for a path whose extension names no input format.
    static func unknownInputFormat(_ path: String) -> ConversionError {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? "'." + (name.split(separator: ".").last.map(String.init) ?? "") + "'" : "no extension"
        return .unsupportedFormat(path: path, detail: "\(ext) is not a known input extension")
    }

    /// The output path and format: explicit, or `<input stem>.<format>` beside the input.
    public static func resolveOutput(_ request: ConvertRequest) throws(ConversionError) -> (path: String, format: OutputFormat) {
        try resolveOutput(request, input: InputFormat(path: request.inputPath))
    }

    /// `resolveOutput` for an input whose format is known (`input`, nil when unknown).
    public static func resolveOutput(
        _ request: ConvertRequest, input: InputFormat?
    ) throws(ConversionError) -> (path: String, format: OutputFormat) {
        let format = request.format ?? request.outputPath.flatMap { OutputFormat(pathExtension: $0) } ?? input?.defaultOutput ?? .parquet
        if let input, (input.content == .text) != (format == .text) {
            let names: String
            switch input {
            case .dbase: names = "dBase"
            case .access: names = "Access"
            default: names = input.rawValue.uppercased()
            }
            throw .unsupportedConversion(input: names, output: input.content == .text ? format.rawValue + " (a PDF converts to text: -f text or an output ending in .txt)" : "text (text output is for PDF input)")
        }
        var path: String
        if format == .delta {
            path = request.outputPath.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
                ?? siblingPath(of: request.inputPath, named: stem(of: request.inputPath) + "_delta")
        } else if let explicit = request.outputPath {
            path = explicit
            if isDirectory(explicit) {
                path = (explicit.hasSuffix("/") ? explicit : explicit + "/") + stem(of: request.inputPath) + "." + format.fileExtension
            }
        } else {
            path = siblingPath(of: request.inputPath, named: stem(of: request.inputPath) + "." + format.fileExtension)
        }
        if sameFile(path, request.inputPath) {
            throw .invalidOption("The output '\(path)' is the input file itself; pyforge never overwrites its input. Choose another output path.")
        }
        if let role = input?.registered.companionRole(path, request.inputPath) {
            throw .invalidOption("The output '\(path)' is the \(role) of the input table '\(request.inputPath)'; pyforge never overwrites its input or the files it belongs with. Choose another output path.")
        }
        return (path, format)
    }

    public static func convert(
        _ request: ConvertRequest, progress: ProgressCounter? = nil, logger: Logger = Logger(label: "pyforge")
    ) throws(ConversionError) -> ConversionResult {
        let input = OpenedInput(path: request.inputPath, format: InputFormat(path: request.inputPath), size: fileSize(request.inputPath))
        return try convert(request, input: input, progress: progress, logger: logger)
    }

    /// `convert` of an input the front door has resolved: its format and size are not worked
    /// out again, and a workbook it opened is read from.
    public static func convert(
        _ request: ConvertRequest, input: OpenedInput, progress: ProgressCounter? = nil, logger: Logger = Logger(label: "pyforge")
    ) throws(ConversionError) -> ConversionResult {
        let started = monotonicSeconds()
        if input.format?.content == .text {
            guard access(request.inputPath, F_OK) == 0 else { throw .inputNotFound(path: request.inputPath) }
            let (outputPath, _) = try resolveOutput(request, input: input.format)
            if !request.force && access(outputPath, F_OK) == 0 { throw .outputExists(path: outputPath) }
            return try PDFConversion.convert(request, outputPath: outputPath, progress: progress)
        }
        let source = try source(for: input, request: request)
        let (outputPath, format) = try resolveOutput(request, input: input.format)
        let target: OutputTarget
        if format == .delta {
            var delta = request.delta
            if request.force && delta.mode == .error { delta.mode = .overwrite }
            target = try DeltaOutputTarget(path: outputPath, options: request.output, delta: delta, pyforgeVersion: PyForgeVersion.current)
        } else {
            if !request.force && access(outputPath, F_OK) == 0 { throw .outputExists(path: outputPath) }
            target = FileOutputTarget(path: outputPath, format: format, options: request.output, overwrite: request.force)
        }
        let outcome = try ConversionPipeline.run(
            source: source, progress: progress, logger: logger,
            openOutput: { schema throws(ConversionError) in try target.open(schema) },
            discardOutput: { target.discard() })
        let notes = try target.commit()
        var warnings = outcome.readerWarnings + target.writerWarnings
        warnings += outcome.restarts.map { "The input was read again because \($0)." }
        var details = Dictionary(outcome.readerDetails, uniquingKeysWith: { a, _ in a })
        details.merge(notes) { _, new in new }
        return ConversionResult(
            input: request.inputPath, output: outputPath, inputFormat: source.formatName, format: format.rawValue,
            rows: outcome.rows, columns: ConversionResult.columns(of: outcome.schema),
            bytesIn: input.size, bytesOut: target.bytesWritten,
            seconds: monotonicSeconds() - started, engine: "core", warnings: warnings, details: details)
    }

    static func siblingPath(of input: String, named name: String) -> String {
        input.contains("/") ? AtomicOutputFile.directory(of: input) + "/" + name : name
    }

    static func stem(of path: String) -> String {
        // data.csv.zst -> data
        let name = InputCompression.split(path.split(separator: "/").last.map(String.init) ?? path).inner
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    public static func isDirectory(_ path: String) -> Bool {
        directoryExists(path)
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        isSameFile(a, b)
    }

}
