import ArgumentParser
import ExtensionHost
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pyforge extensions …`: what the extension host finds.
struct ExtensionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extensions", abstract: "Inspect installed extensions.",
        subcommands: [ExtensionsListCommand.self])
}

/// `pyforge extensions list` (also `pyforge --list-extensions`).
struct ExtensionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List extensions found on the search path, and those shadowed, invalid or insecure (with the reason). No extension is started.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func run() async throws {
        let report = ExtensionDiscovery.discover(
            searchPath: ExtensionDiscovery.searchPath(
                environment: ProcessInfo.processInfo.environment, executablePath: ExtensionDiscovery.currentExecutable))
        if json {
            try Console(verbose: false).printJSON(report)
            return
        }
        print(Self.render(report), terminator: "")
    }

    static func render(_ report: DiscoveryReport) -> String {
        var out = "Search path:\n" + report.searchPath.map { "  \($0)\n" }.joined()
        let table = TextTable(headers: ["Extension", "Version", "Converts", "Directory"])
        for found in report.found {
            table.add([found.manifest.name, found.manifest.version,
                       found.manifest.inputFormats.joined(separator: ",") + " → " + found.manifest.outputFormats.joined(separator: ","),
                       found.directory])
        }
        out += report.found.isEmpty ? "\nNo extensions found.\n" : "\n" + table.render()
        for item in report.shadowed { out += "shadowed: \(item.name) in \(item.directory) (hidden by \(item.shadowedBy))\n" }
        for item in report.invalid { out += "invalid: \(item.directory): \(item.reason)\n" }
        for item in report.insecure { out += "insecure (not loaded): \(item.directory): \(item.reason)\n" }
        return out
    }
}
