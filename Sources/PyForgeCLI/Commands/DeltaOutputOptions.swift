import ArgumentParser
import PyForgeCore

/// How `--format delta` writes into a table.
struct DeltaOutputOptions: ParsableArguments {
    @Option(help: "Delta table mode: error (default: refuse an existing table), append, overwrite.")
    var mode: String?

    @Flag(help: "With --mode append: add input columns the table lacks as nullable columns.")
    var mergeSchema = false

    @Option(help: "Comma-separated columns to partition the Delta table by (Hive-style directories).")
    var partitionBy: String?

    var given: [ConvertOption] {
        [(mode != nil, ConvertOption.mode), (mergeSchema, .mergeSchema), (partitionBy != nil, .partitionBy)].compactMap { $0.0 ? $0.1 : nil }
    }

    /// Only an append can add columns; with another mode --merge-schema would do nothing.
    /// Checked after the output format (`ConvertCommand.checkApplicability`), which is the
    /// more basic mistake when both are wrong.
    func checkMergeSchema() throws {
        if mergeSchema && mode?.lowercased() != "append" {
            throw ValidationError("--merge-schema applies only with --mode append (it adds the input's new columns to the table); add --mode append.")
        }
    }

    func validate() throws {
        guard let mode else { return }
        guard DeltaWriteMode(rawValue: mode.lowercased()) != nil else {
            throw ValidationError("--mode must be error, append or overwrite; got '\(mode)'.")
        }
    }

    var options: DeltaOptions {
        DeltaOptions(
            mode: mode.flatMap { DeltaWriteMode(rawValue: $0.lowercased()) } ?? .error, mergeSchema: mergeSchema,
            partitionBy: partitionBy.map { $0.split(separator: ",").map { String($0).trimmingCharacters() } } ?? [])
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
