import Platform
import Logging
import FormatKit
import AccessFormat

/// A conversion whose input may produce several outputs (one per Excel sheet).
public struct MultiConversionResult: Codable, Sendable {
    public var success = true
    public var input: String
    public var outputs: [ConversionResult]

    public init(input: String, outputs: [ConversionResult]) {
        self.input = input
        self.outputs = outputs
    }
}

extension Converter {
    /// Converts `request`, whose input the front door has resolved and opened
    /// (`OpenedInput.open`); an Excel workbook with several sheets to convert gives one
    /// output per sheet (in `<stem>_<format>/` beside the input, or in the output
    /// directory), read from the workbook opened there; every other input exactly one (`convert`).
    public static func convertAll(
        _ request: ConvertRequest, input: OpenedInput, progress: ProgressCounter? = nil, logger: Logger = Logger(label: "pyforge")
    ) throws(ConversionError) -> [ConversionResult] {
        let convertPart = { (part: ConvertRequest) throws(ConversionError) -> ConversionResult in
            try convert(part, input: input, progress: progress, logger: logger)
        }
        if input.format == .access, !input.parts.isEmpty {
            let tables = input.parts
            return try convertParts(
                request, names: tables, what: "tables", hint: "choose one with --tables NAME", alwaysDirectory: true,
                configure: { $0.access.table = tables[$1] }, progress: progress, convert: convertPart)
        }
        let selected = input.sheetPositions
        guard input.opened != nil, selected.count > 1, !request.excel.combine else { return [try convertPart(request)] }
        return try convertParts(
            request, names: input.parts, what: "sheets with data",
            hint: "choose sheets with --sheets NAME, or stack them into one output with --combine",
            configure: { $0.excel.sheetPosition = selected[$1] }, progress: progress, convert: convertPart)
    }

    /// Converts each named part of one input (a sheet, a table) to its own output in
    /// `<stem>_<format>/` beside the input, or in the output directory; a single part
    /// converts to the output as given (with `alwaysDirectory`, only to an explicit output file).
    static func convertParts(
        _ request: ConvertRequest, names parts: [String], what: String, hint: String, alwaysDirectory: Bool = false,
        configure: (inout ConvertRequest, Int) -> Void, progress: ProgressCounter?,
        convert: (ConvertRequest) throws(ConversionError) -> ConversionResult
    ) throws(ConversionError) -> [ConversionResult] {
        let toFile = request.outputPath.map { !isDirectory($0) && OutputFormat(pathExtension: $0) != nil } ?? false
        if parts.count == 1 && (!alwaysDirectory || toFile) {
            var single = request
            configure(&single, 0)
            return [try convert(single)]
        }
        let format = request.format ?? request.outputPath.flatMap { OutputFormat(pathExtension: $0) } ?? .parquet
        if let explicit = request.outputPath, !isDirectory(explicit), OutputFormat(pathExtension: explicit) != nil, format != .delta {
            throw .invalidOption("'\(request.inputPath)' has \(parts.count) \(what), so the output must be a directory, not the file '\(explicit)'. Give a directory, or \(hint).")
        }
        var directory = request.outputPath ?? siblingPath(of: request.inputPath, named: stem(of: request.inputPath) + "_" + format.rawValue)
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        let created = !isDirectory(directory)
        if created && mkdir(directory, 0o755) != 0 {
            throw .io(operation: "create the directory", path: directory, reason: systemMessage(errno))
        }
        let names = SheetFileNames.make(parts)
        var results: [ConversionResult] = []
        var written: [String] = []
        do throws(ConversionError) {
            for (index, name) in names.enumerated() {
                var partRequest = request
                configure(&partRequest, index)
                partRequest.format = format
                partRequest.outputPath = directory + "/" + (format == .delta ? name : name + "." + format.fileExtension)
                progress?.reset()
                let result = try convert(partRequest)
                written.append(result.output)
                results.append(result)
            }
        } catch {
            // Nothing half-done is left behind: earlier sheets' outputs go too.
            for path in written { removeTree(path) }
            if created { rmdir(directory) }
            throw error
        }
        return results
    }

    static func removeTree(_ path: String) {
        if isDirectory(path), let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = directoryEntryName(entry)
                if name != "." && name != ".." { removeTree(path + "/" + name) }
            }
            closedir(dir)
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// File names for sheets: characters that file systems reject become `_`, and two
/// sheets never share a name (compared without case, as macOS and Windows do).
public enum SheetFileNames {
    public static func make(_ sheets: [String]) -> [String] {
        var used: Set<String> = []
        return sheets.enumerated().map { offset, sheet in
            var base = String(sheet.unicodeScalars.map { scalar -> Character in
                if scalar.value < 0x20 || "/\\:*?\"<>|".unicodeScalars.contains(scalar) { return "_" }
                return Character(scalar)
            })
            while base.hasPrefix(".") || base.hasPrefix(" ") { base.removeFirst() }
            while base.hasSuffix(".") || base.hasSuffix(" ") { base.removeLast() }
            if base.isEmpty { base = "sheet_\(offset + 1)" }
            if base.utf8.count > 200 { base = String(base.prefix(100)) }
            var name = base
            var n = 2
            while used.contains(name.lowercased()) {
                name = "\(base)_\(n)"
                n += 1
            }
            used.insert(name.lowercased())
            return name
        }
    }
}
