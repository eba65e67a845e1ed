import ArgumentParser
import Pipeline

/// The input options `info` and `validate` read a file with: the input half of `convert`'s
/// (no output, so nothing about writing), in the same schema (`ConvertOptions`), which
/// serve's `info`/`validate` and Python's `get_info`/`validate` take by the same names.
struct InspectInputOptions: ParsableArguments {
    @OptionGroup(title: "CSV input") var csv: CSVInputOptions

    @OptionGroup(title: "JSON input") var jsonInput: JSONInputOptions

    @OptionGroup(title: "XML input") var xml: XMLInputOptions

    @OptionGroup(title: "dBase input") var dbase: DBaseInputOptions

    @Option(help: "PDF: the user or owner password of an encrypted document (one that opens without a password needs none).")
    var password: String?

    /// The checks `convert` runs on its input options: the encoding's name, and no option
    /// meant for another format than `input`'s.
    func check(input: String) throws {
        try csv.checkEncoding(for: [input])
        try checkInputOptions(options.given, input: input)
    }

    /// The options given, in the schema `convert` uses.
    var options: ConvertOptions {
        var options = ConvertOptions()
        let groups: [any ConvertOptionGroup] = [csv, jsonInput, xml, dbase]
        for group in groups { group.fill(&options) }
        options.password = password
        return options
    }
}
