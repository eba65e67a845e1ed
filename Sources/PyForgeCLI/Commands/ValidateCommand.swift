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

    @OptionGroup(title: "CSV input") var csv: CSVInputOptions

    @OptionGroup(title: "JSON input") var jsonInput: JSONInputOptions

    @OptionGroup(title: "XML input") var xml: XMLInputOptions

    @OptionGroup(title: "dBase input") var dbase: DBaseInputOptions

    @Option(help: "PDF: the user or owner password of an encrypted document (one that opens without a password needs none).")
    var password: String?

    func validate() throws {
        try csv.checkEncoding(for: [input])
        try checkInputOptions(inputOptions.given, input: input)
    }

    /// The input options given, in the schema `convert` uses.
    var inputOptions: ConvertOptions {
        var options = ConvertOptions()
        let groups: [any ConvertOptionGroup] = [csv, jsonInput, xml, dbase]
        for group in groups { group.fill(&options) }
        options.password = password
        return options
    }

    func run() throws {
        let console = Console(verbose: globals.verbose)
        try globals.installMemoryBudget()
        // A Volume path is not on this machine: the extension claiming it runs the command.
        if try ClaimedPathCommand.runIfClaimed("validate", input: input) { return }
        let report = FileInspector.validate(path: input, options: inputOptions)
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
