#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SparkConnect

/// Converts one file with Spark: read it through Spark's data source, gather it into one
/// partition and write it to a staging directory beside the output, then move the single
/// part file onto the output path — the user asked for a file, not a directory of parts.
/// Or, with `--table`, write a catalog table (`saveAsTable`) and count what it holds.
struct SparkConversion: Sendable {
    var endpoint: SparkEndpoint

    /// - Parameters:
    ///   - readPath: the input as Spark sees it (a local path, or /Volumes/... on Databricks).
    ///   - samplePath: a local copy or mount of the input to sniff reader options from.
    ///   - output: the file to write; its directory must be visible to Spark.
    func run(readPath: String, samplePath: String?, inputFormat: String, output: String) async throws(ConversionFailure) -> ParquetOutputSummary {
        let read = try Self.read(readPath: readPath, samplePath: samplePath, inputFormat: inputFormat)
        let staging = Self.stagingDirectory(for: output)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        // repartition(1), not coalesce(1): the input is still read and parsed by many tasks
        // (a coalesce would pull the whole plan into the one task that writes the file).
        let write = SparkWrite(
            input: .repartition(read, partitions: 1, shuffle: true), source: "parquet", destination: .path(staging),
            mode: .overwrite)
        try await execute { session in _ = try await session.execute(.write(write)) }
        let parts = ((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [])
            .filter { $0.hasPrefix("part-") && !$0.hasSuffix(".crc") }
        guard parts.count == 1 else {
            throw ConversionFailure(
                reason: "sparkFailed",
                message: "Spark reported success but left \(parts.count) part files in '\(staging)' instead of one; the Spark server must share this file system (a local server, or /Volumes on Databricks).")
        }
        // Same directory, so rename(2) replaces any existing output in one step.
        guard rename(staging + "/" + parts[0], output) == 0 else {
            throw ConversionFailure(
                reason: "sparkFailed",
                message: "Moving Spark's output into '\(output)' failed: \(String(cString: strerror(errno))). Check that its directory is writable.")
        }
        do {
            return try ParquetOutputSummary(path: output)
        } catch {
            throw ConversionFailure(reason: "sparkFailed", message: "Spark's output '\(output)' is not a readable Parquet file: \(error.description)")
        }
    }

    /// `saveAsTable`: the table in `format` (parquet or delta) with `mode`; returns the rows
    /// the table holds afterwards and its columns.
    func writeTable(
        _ table: String, readPath: String, samplePath: String?, inputFormat: String, format: String, mode: SparkSaveMode
    ) async throws(ConversionFailure) -> (rows: Int, columns: [SparkColumn]) {
        let read = try Self.read(readPath: readPath, samplePath: samplePath, inputFormat: inputFormat)
        let write = SparkWrite(input: read, source: format, destination: .table(table), mode: mode)
        let quoted = table.split(separator: ".").map { "`\($0.replacing("`", with: "``"))`" }.joined(separator: ".")
        return try await execute { session in
            _ = try await session.execute(.write(write))
            let rows = try await session.scalar("SELECT COUNT(*) FROM \(quoted)")
            let columns = try await session.columns(of: .sql("SELECT * FROM \(quoted)"))
            return (Int(rows), columns)
        }
    }

    /// Runs `body` in a Spark session; Spark's own failures are `engineFailed`.
    private func execute<Result: Sendable>(_ body: @Sendable (SparkSession) async throws -> Result) async throws(ConversionFailure) -> Result {
        do {
            return try await SparkSession.run(endpoint.remote, body)
        } catch {
            throw ConversionFailure(reason: "engineFailed", message: error.description)
        }
    }

    /// Spark's data source for the input, with the reader options sniffed from its start.
    static func read(readPath: String, samplePath: String?, inputFormat: String) throws(ConversionFailure) -> SparkRelation {
        let sample = samplePath.map(InputSniffing.sample) ?? []
        var options: [String: String] = [:]
        switch inputFormat {
        case "csv": options = InputSniffing.csvOptions(sample, path: readPath)
        case "json": options = InputSniffing.jsonOptions(sample)
        case "xml":
            guard let tag = InputSniffing.xmlRowTag(sample) else {
                throw ConversionFailure(reason: "badInput", message: "No record element was found in the first \(InputSniffing.sampleSize >> 10) KB of '\(readPath)', so Spark's XML reader cannot be given a rowTag.")
            }
            options = ["rowTag": tag]
        default: break
        }
        return .read(format: inputFormat, options: options, paths: [readPath])
    }

    /// `.<name>.spark-XXXXXXXX` beside the output: same directory, so the move is a rename.
    static func stagingDirectory(for output: String) -> String {
        let url = URL(fileURLWithPath: output)
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).spark-\(suffix)").path
    }
}
