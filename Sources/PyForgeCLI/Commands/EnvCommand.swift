import ArgumentParser
import ExtensionHost
import ExtensionProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Pipeline

/// `pyforge env`: where pyforge runs (Databricks serverless, classic or elsewhere, as the
/// Databricks extension detects it), the settings it reads and its extension search path.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Show the environment: Databricks compute, Spark endpoint, settings, extension search path.")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func run() throws {
        let report = HostEnvironment.gather(environment: ProcessInfo.processInfo.environment)
        if json {
            try Console(verbose: false).printJSON(report)
            return
        }
        print("pyforge \(report.pyforge)")
        print("Extension search path: \(report.searchPath.joined(separator: ":"))")
        for name in report.variables.keys.sorted() { print("  \(name)=\(report.variables[name]!)") }
        if report.extensions.isEmpty {
            print("Environment: no extension reports one (install the Databricks extension to detect Databricks).")
        }
        for name in report.extensions.keys.sorted() {
            print("Extension '\(name)':")
            guard case .object(let members) = report.extensions[name]! else { continue }
            for key in members.keys.sorted() { print("  \(key): \(Self.text(members[key]!))") }
        }
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "yes" : "no"
        case .null: return "-"
        case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
        case .array(let items): return items.map(text).joined(separator: ", ")
        case .object(let members): return members.keys.sorted().map { "\($0)=\(text(members[$0]!))" }.joined(separator: " ")
        }
    }
}
