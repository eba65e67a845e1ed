import ArgumentParser
import ExtensionHost
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pyforge extensions …`: what the extension host finds.
struct ExtensionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extensions", abstract: "Inspect installed extensions.",
        subcommands: [ExtensionsListCommand.self, ExtensionsStatusCommand.self, ExtensionsCheckCommand.self])
}

/// `pyforge extensions list` (also `pyforge --list-extensions`).
struct ExtensionsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List extensions found on the search path, and those shadowed, invalid or insecure (with the reason). No extension is started.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func run() throws {
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

/// `pyforge extensions status`: starts each extension, handshakes and pings it.
struct ExtensionsStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Start each extension: handshake latency, protocol, capabilities, health across runs and last error.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Print the statuses as JSON on stdout.")
    var json = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let report = ExtensionDiscovery.discover(
            searchPath: ExtensionDiscovery.searchPath(environment: environment, executablePath: ExtensionDiscovery.currentExecutable))
        let statuses = ExtensionStatus.check(report, environment: environment)
        if json {
            try Console(verbose: false).printJSON(StatusReport(extensions: statuses, discovery: report))
            return
        }
        let table = TextTable(headers: ["Extension", "Version", "State", "Handshake", "Ping", "Failures", "Last error"])
        for status in statuses {
            table.add([
                status.name, status.version, status.state,
                status.handshakeMilliseconds.map { Formatting.decimal($0, digits: 1) + " ms" } ?? "-",
                status.pingMilliseconds.map { Formatting.decimal($0, digits: 2) + " ms" } ?? "-",
                "\(status.health.failures) (\(status.health.crashes) crashes, \(status.health.timeouts) timeouts)",
                status.error ?? status.health.lastError ?? "-",
            ])
        }
        print(statuses.isEmpty ? "No extensions found." : table.render(), terminator: statuses.isEmpty ? "\n" : "")
        print(ExtensionsListCommand.render(report).split(separator: "\n").filter { $0.hasPrefix("shadowed") || $0.hasPrefix("invalid") || $0.hasPrefix("insecure") }.joined(separator: "\n"))
    }

    struct StatusReport: Encodable {
        var extensions: [ExtensionStatus]
        var discovery: DiscoveryReport
    }
}

/// `pyforge extensions check DIR`: the conformance suite for extension authors.
struct ExtensionsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check an extension directory against the protocol: manifest, handshake, version negotiation, unknown methods, large messages, cancellation, clean stdout, exit on stdin EOF.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The extension's directory (holding pyforge-extension.json).")
    var directory: String

    @Flag(help: "Print the results as JSON on stdout.")
    var json = false

    func run() throws {
        let path = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        let checks = ConformanceSuite.run(directory: path, environment: ProcessInfo.processInfo.environment)
        if json {
            try Console(verbose: false).printJSON(checks)
        } else {
            for check in checks { print("\(check.passed ? "PASS" : "FAIL")  \(check.name): \(check.detail)") }
            let failed = checks.filter { !$0.passed }.count
            print("\(checks.count - failed) passed, \(failed) failed")
        }
        if checks.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
