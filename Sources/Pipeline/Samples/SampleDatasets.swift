import Platform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FormatKit

public enum SampleFormat: String, CaseIterable, Codable, Sendable {
    case csv, tsv, json, ndjson, xml, xlsx, pdf, dbf, mdb

    /// A name from --formats, including PyForge 1.x's (excel, access).
    public init?(name: String) {
        switch name.lowercased() {
        case "excel": self = .xlsx
        case "access": self = .mdb
        case "dbase": self = .dbf
        default: self.init(rawValue: name.lowercased())
        }
    }

    /// The Access sample is a committed fixture, the same whatever the size.
    var isFixture: Bool { self == .mdb }
}

public enum SampleSize: String, CaseIterable, Codable, Sendable {
    case small, medium, large

    /// Records generated (an .xlsx sheet stops at Excel's 1,048,576 rows).
    public var rows: Int {
        switch self {
        case .small: return 1_000
        case .medium: return 100_000
        case .large: return 10_000_000
        }
    }
}

/// `DEST/manifest.json`: what `pyforge install sample-datasets` wrote.
public struct SampleManifest: Codable, Sendable {
    public struct Sheet: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
    }

    public struct Entry: Codable, Sendable {
        /// Relative to the destination directory: `csv/orders_small.csv`.
        public var path: String
        public var format: SampleFormat
        public var size: SampleSize
        /// Data rows (a workbook: over all sheets).
        public var rows: Int
        public var bytes: Int64
        public var sha256: String
        public var sheets: [Sheet]?
    }

    public var generator: String
    public var files: [Entry]

    public static let fileName = "manifest.json"
}

/// One file's state as `install`, `--list-installed` and `--uninstall` report it.
public struct SampleFileStatus: Encodable, Sendable {
    public var entry: SampleManifest.Entry
    /// written, kept (install); ok, modified, missing (list); removed, missing (uninstall).
    public var status: String

    public func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(status, forKey: .status)
    }

    enum Keys: String, CodingKey { case status }
}

/// Deterministic sample data for trying and benchmarking pyforge: orders with ids, money,
/// dates, timestamps, categories, missing values and awkward text, in every input format.
public enum SampleDatasets {
    public static let datasetName = "orders"

    public static func relativePath(_ format: SampleFormat, _ size: SampleSize) -> String {
        format.isFixture ? "mdb/types.mdb" : "\(format.rawValue)/\(datasetName)_\(size.rawValue).\(format.rawValue)"
    }

    static func sheets(_ format: SampleFormat, _ size: SampleSize) -> [SampleManifest.Sheet]? {
        format == .xlsx ? SampleWorkbook.sheets(rows: size.rows).map { SampleManifest.Sheet(name: $0.name, rows: $0.rows) } : nil
    }

    static func rows(_ format: SampleFormat, _ size: SampleSize) -> Int {
        if format.isFixture { return SampleDocuments.accessRows }
        return sheets(format, size)?.reduce(0) { $0 + $1.rows } ?? size.rows
    }

    /// Generates the files asked for into `destination` (kept if present, unless `force`)
    /// and updates the manifest. `progress` is told about each file as it is done.
    public static func install(
        destination: String, formats: [SampleFormat], sizes: [SampleSize], force: Bool,
        progress: (SampleFileStatus) -> Void = { _ in }
    ) throws(ConversionError) -> [SampleFileStatus] {
        try BatchConversion.makeDirectory(destination)
        var manifest = (try? readManifest(destination)) ?? SampleManifest(generator: "", files: [])
        manifest.generator = "pyforge \(PyForgeVersion.current)"
        var statuses: [SampleFileStatus] = []
        for format in formats {
            try BatchConversion.makeDirectory(destination + "/" + format.rawValue)
            // The Access fixture has one size: installed once, as small.
            for size in format.isFixture ? [SampleSize.small] : sizes {
                let relative = relativePath(format, size)
                let path = destination + "/" + relative
                let exists = access(path, F_OK) == 0
                var status = "kept"
                if force || !exists {
                    try generate(format, size, path: path, overwrite: force)
                    status = "written"
                }
                let previous = manifest.files.first { $0.path == relative }
                let size64 = fileSize(path)
                let digest: String
                if status == "kept", let previous, previous.bytes == size64 {
                    digest = previous.sha256
                } else {
                    guard let computed = SHA256.hexDigest(ofFile: path) else {
                        throw .io(operation: "read", path: path, reason: systemMessage(errno))
                    }
                    digest = computed
                }
                let entry = SampleManifest.Entry(
                    path: relative, format: format, size: size, rows: rows(format, size), bytes: size64, sha256: digest,
                    sheets: sheets(format, size))
                manifest.files.removeAll { $0.path == relative }
                manifest.files.append(entry)
                let done = SampleFileStatus(entry: entry, status: status)
                statuses.append(done)
                progress(done)
            }
        }
        manifest.files.sort { $0.path < $1.path }
        try writeManifest(manifest, destination: destination)
        return statuses
    }

    /// Writes one file atomically.
    static func generate(_ format: SampleFormat, _ size: SampleSize, path: String, overwrite: Bool) throws(ConversionError) {
        let seed = "\(datasetName)_\(size.rawValue)"
        if format == .xlsx {
            try SampleWorkbook.write(path: path, rows: size.rows, seed: seed, overwrite: overwrite)
            return
        }
        let file = try AtomicOutputFile(path: path, overwrite: overwrite)
        let sink = SampleSink(file)
        do throws(ConversionError) {
            switch format {
            case .csv: try SampleWriters.delimited(sink, rows: size.rows, seed: seed, delimiter: ",")
            case .tsv: try SampleWriters.delimited(sink, rows: size.rows, seed: seed, delimiter: "\t")
            case .json: try SampleWriters.json(sink, rows: size.rows, seed: seed, lines: false)
            case .ndjson: try SampleWriters.json(sink, rows: size.rows, seed: seed, lines: true)
            case .xml: try SampleWriters.xml(sink, rows: size.rows, seed: seed)
            case .pdf: try SampleDocuments.pdf(sink, rows: size.rows, seed: seed)
            case .dbf: try SampleDocuments.dbase(sink, rows: size.rows, seed: seed)
            case .mdb: try sink.append(bytes: SampleDocuments.accessDatabase())
            case .xlsx: break
            }
            try sink.flush()
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    public static func readManifest(_ destination: String) throws(ConversionError) -> SampleManifest {
        let path = destination + "/" + SampleManifest.fileName
        guard access(path, F_OK) == 0 else {
            throw .inputNotFound(path: path)
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(SampleManifest.self, from: data)
        } catch {
            throw .unreadableInput(path: path, reason: "it is not a sample-datasets manifest (\(error))")
        }
    }

    static func writeManifest(_ manifest: SampleManifest, destination: String) throws(ConversionError) {
        let path = destination + "/" + SampleManifest.fileName
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let text: String
        do { text = String(decoding: try encoder.encode(manifest), as: UTF8.self) + "\n" } catch {
            throw .outputFailed(path: path, reason: "the manifest could not be encoded (\(error))")
        }
        let file = try AtomicOutputFile(path: path, overwrite: true)
        do throws(ConversionError) {
            try writeAll(file.descriptor, text, path: path)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// The manifest's files, each checked: ok (checksum matches), modified or missing.
    public static func listInstalled(destination: String) throws(ConversionError) -> [SampleFileStatus] {
        let manifest = try readManifest(destination)
        return manifest.files.map { entry in
            let path = destination + "/" + entry.path
            guard access(path, F_OK) == 0 else { return SampleFileStatus(entry: entry, status: "missing") }
            let matches = fileSize(path) == entry.bytes && SHA256.hexDigest(ofFile: path) == entry.sha256
            return SampleFileStatus(entry: entry, status: matches ? "ok" : "modified")
        }
    }

    /// Removes exactly the files the manifest lists, then the manifest, then the format
    /// directories and the destination if that left them empty.
    public static func uninstall(destination: String) throws(ConversionError) -> [SampleFileStatus] {
        let manifest = try readManifest(destination)
        var statuses: [SampleFileStatus] = []
        for entry in manifest.files {
            let path = destination + "/" + entry.path
            if unlink(path) == 0 {
                statuses.append(SampleFileStatus(entry: entry, status: "removed"))
            } else if errno == ENOENT {
                statuses.append(SampleFileStatus(entry: entry, status: "missing"))
            } else {
                throw .io(operation: "remove", path: path, reason: systemMessage(errno))
            }
        }
        let manifestPath = destination + "/" + SampleManifest.fileName
        if unlink(manifestPath) != 0 && errno != ENOENT {
            throw .io(operation: "remove", path: manifestPath, reason: systemMessage(errno))
        }
        for format in Set(manifest.files.map(\.format.rawValue)).sorted() { rmdir(destination + "/" + format) }
        rmdir(destination)
        return statuses
    }
}
