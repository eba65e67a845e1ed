import ArgumentParser
import Pipeline
import FormatKit

/// `pyforge info INPUT`.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a file: format, size, encoding, rows and inferred schema (for Parquet: row groups, codecs, statistics).")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The file to describe.")
    var input: String

    @Option(name: .shortAndLong, help: "Output style: table (default) or json (our fields, plus PyForge 1.x's flat fields such as page_count).")
    var format: String = "table"

    @OptionGroup var inputs: InspectInputOptions

    func validate() throws {
        guard ["table", "json"].contains(format.lowercased()) else {
            throw ValidationError("--format must be 'table' or 'json'; got '\(format)'.")
        }
        try inputs.check(input: input)
    }

    func run() throws {
        let console = Console(verbose: globals.verbose)
        try globals.installMemoryBudget()
        // A Volume path is not on this machine: the extension claiming it runs the command.
        if try ClaimedPathCommand.runIfClaimed("info", input: input) { return }
        do {
            let info = try FileInspector.info(path: input, options: inputs.options)
            if format.lowercased() == "json" {
                try console.printJSON(InfoJSON(info: info))
            } else {
                console.printInfoTable(info)
            }
        } catch let error as ConversionError {
            throw CommandFailure(error)
        }
    }
}
