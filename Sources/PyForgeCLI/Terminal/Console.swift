import FormatKit
import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Pipeline

/// Where a command's words go: human messages and logs to stderr, requested data
/// (JSON, tables) to stdout, so `--json` output stays machine-readable.
struct Console {
    let verbose: Bool
    let logger: Logger

    init(verbose: Bool) {
        self.verbose = verbose
        let level = verbose ? Logger.Level.debug : LogLevelSetting.fromEnvironment
        logger = Logger(label: "pyforge") { label in StderrLogHandler(label: label, level: level) }
    }

    func status(_ message: String) {
        writeStderr(message + "\n")
    }

    func warning(_ message: String) {
        writeStderr("warning: " + message + "\n")
    }

    func error(_ message: String) {
        writeStderr("pyforge: error: " + message + "\n")
    }

    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    func reportConversion(_ result: ConversionResult) {
        if let decision = result.details["decision"] { status(decision) }
        if result.format == OutputFormat.text.rawValue {
            let pages = Int(result.details["pages"] ?? "") ?? 0
            status(
                "Converted \(result.input) → \(result.output): \(Formatting.grouped(pages)) page\(pages == 1 ? "" : "s"), \(Formatting.grouped(result.rows)) lines, "
                    + "\(Formatting.bytes(result.bytesIn)) → \(Formatting.bytes(result.bytesOut)) in \(Formatting.seconds(result.seconds)).")
            for warning in result.warnings { self.warning(warning) }
            return
        }
        let rate = result.seconds > 0 ? Double(result.bytesIn) / result.seconds / 1_000_000 : 0
        status(
            "Converted \(result.input) → \(result.output): \(Formatting.grouped(result.rows)) rows, \(result.columns.count) columns, "
                + "\(Formatting.bytes(result.bytesIn)) → \(Formatting.bytes(result.bytesOut)) in \(Formatting.seconds(result.seconds)) (\(Formatting.decimal(rate, digits: 1)) MB/s).")
        if verbose {
            for column in result.columns { status("  \(column.name): \(column.type)") }
        }
        for warning in result.warnings { self.warning(warning) }
    }

    func printInfoTable(_ info: FileInfo) {
        if let sheets = info.sheets { return printWorkbookInfo(info, sheets) }
        var lines: [String] = []
        lines.append("File:     \(info.path)")
        lines.append("Format:   \(info.format)")
        lines.append("Size:     \(Formatting.bytes(info.sizeBytes)) (\(Formatting.grouped(Int(info.sizeBytes))) bytes)")
        for key in info.details.keys.sorted() {
            let label = key.prefix(1).uppercased() + key.dropFirst().map { $0 == "_" ? " " : $0 }
            lines.append("\(label): ".padding(10) + (info.details[key] ?? ""))
        }
        guard info.format != "pdf" else {
            print(lines.joined(separator: "\n"))
            for warning in info.warnings { self.warning(warning) }
            return
        }
        lines.append("Rows:     \(Formatting.grouped(info.rows))")
        lines.append("Columns:  \(info.columns.count)")
        let schema = TextTable(headers: ["#", "Column", "Type", "Nullable"])
        for (i, column) in info.columns.enumerated() {
            schema.add([String(i + 1), column.name, column.type, column.nullable ? "yes" : "no"])
        }
        lines.append("")
        lines.append(schema.render())
        if let groups = info.rowGroups {
            lines.append("Row groups: \(groups.count)")
            for (g, group) in groups.enumerated() {
                lines.append("  Row group \(g): \(Formatting.grouped(Int(group.rows))) rows, \(Formatting.bytes(group.compressedBytes)) compressed, \(Formatting.bytes(group.uncompressedBytes)) uncompressed")
                let table = TextTable(headers: ["Column", "Codec", "Encodings", "Size", "Nulls", "Min", "Max"])
                for chunk in group.columns {
                    table.add([chunk.column, chunk.codec, chunk.encodings.joined(separator: ","), Formatting.bytes(chunk.compressedBytes),
                               chunk.nullCount.map(String.init) ?? "-", Formatting.cell(chunk.min), Formatting.cell(chunk.max)])
                }
                lines.append(table.render(indent: "    "))
            }
        }
        print(lines.joined(separator: "\n"))
        for warning in info.warnings { self.warning(warning) }
    }
}

func writeStderr(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { if errno == EINTR { continue } else { return } }
            offset += n
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// PYFORGE_LOG_LEVEL (trace, debug, info, notice, warning, error, critical).
enum LogLevelSetting {
    static var fromEnvironment: Logger.Level {
        guard let raw = ProcessInfo.processInfo.environment["PYFORGE_LOG_LEVEL"]?.lowercased() else { return .warning }
        return Logger.Level(rawValue: raw == "warn" ? "warning" : raw) ?? .warning
    }
}

/// Writes log records to stderr as `pyforge: level: message`.
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        writeStderr("pyforge: \(event.level): \(event.message)\n")
    }
}
