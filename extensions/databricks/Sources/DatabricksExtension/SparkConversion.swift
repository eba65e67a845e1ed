import SparkConnect

/// What is asked of Spark itself: read a file through Spark's data source and write it as
/// one partition of Parquet into a directory, or into a catalog table (`saveAsTable`).
/// Where the paths point is `SparkRoute`'s business, and getting the one part file out of the
/// directory `SparkFileJob`'s.
struct SparkConversion: Sendable {
    var endpoint: SparkEndpoint

    /// Writes `read` into `directory` (a path as Spark sees it) as one Parquet part file.
    func writeParts(_ read: SparkRelation, to directory: String) async throws(ConversionFailure) {
        // repartition(1), not coalesce(1): the input is still read and parsed by many tasks
        // (a coalesce would pull the whole plan into the one task that writes the file).
        let write = SparkWrite(
            input: .repartition(read, partitions: 1, shuffle: true), source: "parquet", destination: .path(directory),
            mode: .overwrite)
        try await execute { session in _ = try await session.execute(.write(write)) }
    }

    /// `saveAsTable`: the table in `format` (parquet or delta) with `mode`; returns the rows
    /// the table holds afterwards and its columns.
    func writeTable(_ table: String, read: SparkRelation, format: String, mode: SparkSaveMode) async throws(ConversionFailure) -> (rows: Int, columns: [SparkColumn]) {
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

    /// Spark's data source for the input at `readPath`, with the reader options sniffed from
    /// `sample` (the input's first bytes).
    static func read(readPath: String, sample: [UInt8], inputFormat: String, displayPath: String) throws(ConversionFailure) -> SparkRelation {
        var options: [String: String] = [:]
        switch inputFormat {
        case "csv": options = InputSniffing.csvOptions(sample, path: readPath)
        case "json": options = InputSniffing.jsonOptions(sample)
        case "xml":
            guard let tag = InputSniffing.xmlRowTag(sample) else {
                throw ConversionFailure(reason: "badInput", message: "No record element was found in the first \(InputSniffing.sampleSize >> 10) KB of '\(displayPath)', so Spark's XML reader cannot be given a rowTag.")
            }
            options = ["rowTag": tag]
        default: break
        }
        return .read(format: inputFormat, options: options, paths: [readPath])
    }
}
