import ArgumentParser
import Pipeline

/// PyForge 1.x's `mdf-tools …` and `install mdf-tools`: they set up Docker and SQL Server to
/// read .mdf files, which pyforge 2.x does not read. Kept (hidden) so that a 1.x script
/// stops with this explanation instead of "unknown command".
struct LegacyMDFToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdf-tools", abstract: "PyForge 1.x's SQL Server MDF tools (not available in 2.x).", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough, help: "Anything 1.x took (status, start, stop, restart, logs -n N, config, test, uninstall; --password, --port, --non-interactive).")
    var arguments: [String] = []

    func run() throws {
        throw CommandFailure(.invalidOption(
            "PyForge 1.x's MDF tools (Docker and SQL Server Express for .mdf files) are not part of pyforge 2.x, which does not read SQL Server .mdf files. Export the tables from SQL Server (for example with bcp to CSV) and convert those; see docs/MIGRATING.md."))
    }
}
