import ArgumentParser
import Serve
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pyforge serve --stdio`: the long-lived JSON-RPC server behind the Python API.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve convert, info, validate, formats, environment and extensions requests as JSON-RPC 2.0 over stdin/stdout (one message per line).")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Speak over stdin and stdout (the only transport).")
    var stdio = false

    /// Internal: run one convert request as the server's worker process (ServeWorker).
    @Flag(help: ArgumentHelp(visibility: .private))
    var worker = false

    func validate() throws {
        guard stdio else { throw ValidationError("Pass --stdio: pyforge serve speaks JSON-RPC over stdin/stdout.") }
    }

    func run() throws {
        let console = Console(verbose: globals.verbose)
        try globals.installMemoryBudget()
        if worker {
            throw ExitCode(ServeWorker.run(environment: ProcessInfo.processInfo.environment, logger: console.logger))
        }
        let code = PyForgeServer(environment: ProcessInfo.processInfo.environment, logger: console.logger).run()
        throw ExitCode(code)
    }
}
