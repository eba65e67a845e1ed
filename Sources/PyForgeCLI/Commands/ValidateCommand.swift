import ArgumentParser
import Pipeline

/// `pyforge validate INPUT`: exit 0 when the file converts, 1 with the reasons when not.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that a file can be converted; exits 1 with the reasons when it cannot.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The file to check.")
    var input: String

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    @OptionGroup var inputs: InspectInputOptions

    func validate() throws {
        try inputs.check(input: input)
    }

    func run() throws {
        let console = Console(verbose: globals.verbose)
        try globals.installMemoryBudget()
        // A Volume path is not on this machine: the extension claiming it runs the command.
        if try ClaimedPathCommand.runIfClaimed("validate", input: input) { return }
        let report = FileInspector.validate(path: input, options: inputs.options)
        if json { try console.printJSON(report) }
        if report.valid {
            console.status("\(input) is valid: \(report.format ?? "?") with \(report.rows ?? 0) rows and \(report.columns.count) columns.")
            for warning in report.warnings { console.warning(warning) }
        } else {
            for error in report.errors { console.error(error) }
            throw ExitCode(1)
        }
    }
}
