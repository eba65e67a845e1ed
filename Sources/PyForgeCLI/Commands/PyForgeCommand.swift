import ArgumentParser
import Pipeline

/// The `pyforge` command line.
public struct PyForgeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pyforge",
        abstract: "Convert CSV and other data files to typed Parquet, CSV and JSON.",
        discussion: """
            Environment:
              PYFORGE_LOG_LEVEL        Log level on stderr: trace, debug, info, warning, error (default: warning).
              PYFORGE_FORCE_CORE       'true' disables extensions; conversions use the built-in engine.
              PYFORGE_PARALLEL_WORKERS Threads for batch conversion (default: the number of cores).
              PYFORGE_EXTENSIONS_PATH  Colon-separated directories searched for extensions.
              SPARK_REMOTE             Spark Connect server for --engine spark (sc://host:15002/;token=...).
              PYFORGE_SPARK_STAGING    Volume directory where a remote Spark meets local files (--spark-staging).
              DATABRICKS_HOST, DATABRICKS_TOKEN
                                       Workspace for Unity Catalog Volume paths off Databricks (Files API)
                                       and Databricks Connect (with DATABRICKS_CLUSTER_ID, or
                                       DATABRICKS_SERVERLESS_COMPUTE_ID=auto).

            Exit codes:
              0 success, 1 conversion or validation failed, 2 usage error,
              3 output exists (pass --force), 4 input not found, 130 interrupted.
            """,
        version: PyForgeVersion.current,
        subcommands: [ConvertCommand.self, InfoCommand.self, ValidateCommand.self, FormatsCommand.self, EnvCommand.self, ExtensionsCommand.self, ServeCommand.self, InstallCommand.self, LegacyMDFToolsCommand.self]
    )

    @OptionGroup public var globals: GlobalOptions

    @Flag(help: "List installed extensions (same as 'pyforge extensions list').")
    var listExtensions = false

    public init() {}

    public func run() throws {
        guard listExtensions else { throw CleanExit.helpRequest(self) }
        try ExtensionsListCommand.parse([]).run()
    }
}
