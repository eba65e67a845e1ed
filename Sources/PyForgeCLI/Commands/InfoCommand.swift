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

    @OptionGroup(title: "CSV input") var csv: CSVInputOptions

    @OptionGroup(title: "JSON input") var jsonInput: JSONInputOptions

    @OptionGroup(title: "XML input") var xml: XMLInputOptions

    @OptionGroup(title: "dBase input") var dbase: DBaseInputOptions

    @Option(help: "PDF: the user or owner password of an encrypted document (one that opens without a password needs none).")
    var password: String?

    func validate() throws {
        guard ["table", "json"].contains(format.lowercased()) else {
            throw ValidationError("--format must be 'table' or 'json'; got '\(format)'.")
        }
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
        if try ClaimedPathCommand.runIfClaimed("info", input: input) { return }
        do {
            let info = try FileInspector.info(path: input, options: inputOptions)
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
