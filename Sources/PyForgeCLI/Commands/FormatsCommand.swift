import ArgumentParser
import Pipeline

/// `pyforge formats`: what converts to what.
struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats", abstract: "List the input formats and what each converts to.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Print the table as JSON on stdout.")
    var json = false

    func run() throws {
        let rows = FormatRegistry.formats.map { format in
            FormatRow(
                input: format.title, extensions: format.extensions,
                outputs: format.outputs.map(\.rawValue), options: format.options)
        }
        if json {
            try Console(verbose: false).printJSON(rows)
            return
        }
        let table = TextTable(headers: ["Input", "Extensions", "Converts to", "Input options"])
        for row in rows {
            table.add([
                row.input, row.extensions.joined(separator: " "), row.outputs.isEmpty ? "(info only)" : row.outputs.joined(separator: ", "),
                row.options.joined(separator: " "),
            ])
        }
        print(table.render(), terminator: "")
    }

    struct FormatRow: Encodable {
        var input: String
        var extensions: [String]
        var outputs: [String]
        var options: [String]
    }
}
