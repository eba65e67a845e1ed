import ArgumentParser
import Pipeline
import Delta

/// How `--format delta` writes into a table.
struct DeltaOutputOptions: ConvertOptionGroup {
    @Option(help: "Delta table mode: error (default: refuse an existing table), append, overwrite.")
    var mode: DeltaWriteMode?

    @Flag(help: "With --mode append: add input columns the table lacks as nullable columns.")
    var mergeSchema = false

    @Option(help: "Comma-separated columns to partition the Delta table by (Hive-style directories).")
    var partitionBy: OptionList?

    func fill(_ options: inout ConvertOptions) {
        options.mode = mode
        options.mergeSchema = mergeSchema
        options.partitionBy = partitionBy
    }
}
