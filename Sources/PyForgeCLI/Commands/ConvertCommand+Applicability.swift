import ArgumentParser
import Pipeline
import FormatKit

/// `info` and `validate` read the input as `convert` would, so an input option meant for
/// another format is refused there too (they have no output, so only inputs are checked).
func checkInputOptions(_ given: [ConvertOption], input: String) throws {
    do throws(ConversionError) {
        try ConvertOption.check(given, inputPath: input, output: nil)
    } catch {
        throw ValidationError(error.description)
    }
}

extension ConvertCommand {
    /// Every scoped option the command line gives; where each applies is `ConvertOption`'s table.
    var givenScopedOptions: [ConvertOption] {
        convertOptions.given + (previewSchema ? [.previewSchema] : [])
    }

    /// Refuses an option that would do nothing for the input and output (exit code 2).
    /// A batch refuses it only when no input takes it: `--delimiter ';'` for `data/*` is
    /// meant for the CSV files among them.
    func checkApplicability() throws {
        // Options that depend on the kind of run rather than on the formats.
        if workers != nil && !isBatch {
            throw ValidationError("--workers applies only to batch conversion (several inputs, a glob pattern, or two paths with --output-dir); '\(input)' is one file.")
        }
        if sparkRemote != nil, !["auto", "spark"].contains(engineName.lowercased()) {
            throw ValidationError("--spark-remote applies only to --engine spark or auto (Spark Connect); --engine \(engine) does not use Spark.")
        }
        if sparkStaging != nil, !["auto", "spark"].contains(engineName.lowercased()) {
            throw ValidationError("--spark-staging applies only to --engine spark or auto (Spark Connect); --engine \(engine) does not use Spark.")
        }
        let given = givenScopedOptions
        guard !given.isEmpty else { return }
        let inputs = isBatch ? paths : [input]
        for option in given {
            var firstError: ConversionError?
            var applies = false
            for path in inputs {
                // --table writes through Spark into a catalog table, which takes the Delta options.
                let target = table != nil ? OutputFormat.delta
                    : ConvertOption.resolvedOutput(inputPath: path, outputPath: isBatch ? nil : output, format: format)
                do throws(ConversionError) {
                    try ConvertOption.check([option], inputPath: path, output: target)
                    applies = true
                    break
                } catch {
                    firstError = firstError ?? error
                }
            }
            if !applies, let firstError { throw ValidationError(firstError.description) }
        }
        try usageError { () throws(ConversionError) in try convertOptions.checkMergeSchema(name: .flag) }
    }
}
