import Platform
import Pipeline
import FormatKit

/// Checks an extension's output against what the extension reported, before the output
/// replaces anything (SPEC §12.3): the file must parse as the format asked for, hold the
/// `rows` reported and, when the extension listed `metadata.columns` for a Parquet or
/// Delta output, have those columns. The columns read here are the conversion summary's
/// when the extension sent none.
///
/// Cost: the output is read once, streaming (`OutputInspector`): the footer of a Parquet
/// file, one pass over CSV/JSON/NDJSON with a batch-sized buffer, the log of a Delta table.
enum OutputValidation {
    /// Why an output was refused: the sentence after "its output is not valid: ".
    struct Refusal: Error {
        var reason: String
    }

    /// A file output (the temporary file the extension wrote).
    static func check(
        _ path: String, format: OutputFormat, rows: Int, declaredColumns: [ConversionResult.ColumnSummary]?
    ) -> Result<[ConversionResult.ColumnSummary], Refusal> {
        let empty = fileSize(path) == 0
        // An NDJSON file without records has no bytes; every other format has some.
        guard !empty || (format == .ndjson && rows == 0) else { return .failure(Refusal(reason: "the output file is empty")) }
        let contents: OutputInspector.Contents
        do {
            switch format {
            case .parquet: contents = try OutputInspector.parquet(path)
            case .csv: contents = try OutputInspector.csv(path)
            case .json, .ndjson: contents = try OutputInspector.json(path, lines: format == .ndjson)
            default: return .success(declaredColumns ?? [])  // formats the host cannot read back
            }
        } catch {
            return .failure(Refusal(reason: unreadable(format, error)))
        }
        return compare(contents, rows: rows, declaredColumns: format == .parquet ? declaredColumns : nil)
            .map { declaredColumns ?? $0 }
    }

    /// A Delta output: the extension wrote into the table itself, so the check is that it
    /// added a version (after `before`) whose files hold `rows` records.
    static func checkDelta(
        _ table: String, before: Int64?, rows: Int, declaredColumns: [ConversionResult.ColumnSummary]?
    ) -> (addition: OutputInspector.DeltaAddition?, verdict: Result<[ConversionResult.ColumnSummary], Refusal>) {
        let addition: OutputInspector.DeltaAddition
        do {
            addition = try OutputInspector.deltaAddition(table, before: before)
        } catch {
            return (nil, .failure(Refusal(reason: "its Delta log is not readable (\(detail(error)))")))
        }
        guard addition.latest != before else {
            let version = before.map { "after version \($0)" } ?? "(the table has no version)"
            return (addition, .failure(Refusal(reason: "it added no version to the Delta table \(version)")))
        }
        return (addition, compare(addition.contents, rows: rows, declaredColumns: declaredColumns).map { declaredColumns ?? $0 })
    }

    private static func compare(
        _ contents: OutputInspector.Contents, rows: Int, declaredColumns: [ConversionResult.ColumnSummary]?
    ) -> Result<[ConversionResult.ColumnSummary], Refusal> {
        if let held = contents.rows, held != Int64(rows) {
            return .failure(Refusal(reason: "the file holds \(held) rows but the extension reported \(rows)"))
        }
        let names = contents.columns.map(\.name)
        if let declaredColumns, declaredColumns.map(\.name) != names {
            return .failure(Refusal(reason: "its schema has the columns \(list(names)) but its metadata.columns names \(list(declaredColumns.map(\.name)))"))
        }
        return .success(contents.columns.map { ConversionResult.ColumnSummary(name: $0.name, type: $0.type, nullable: $0.nullable) })
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "(none)" : names.map { "'\($0)'" }.joined(separator: ", ")
    }

    private static func unreadable(_ format: OutputFormat, _ error: ConversionError) -> String {
        let what = format == .parquet ? "a readable Parquet file" : "a valid \(format == .ndjson ? "NDJSON" : format.rawValue.uppercased()) file"
        return "it is not \(what) (\(detail(error)))"
    }

    /// The place and the reason, without the temporary path nor a fix meant for inputs.
    private static func detail(_ error: ConversionError) -> String {
        switch error {
        case .malformedInput(_, let location, let reason, _): return "\(location): \(reason)"
        case .unreadableInput(_, let reason): return reason
        case .io(let operation, _, let reason): return "\(operation) failed: \(reason)"
        default: return error.description
        }
    }
}
