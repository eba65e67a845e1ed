import ArgumentParser
import ExtensionHost
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pyforge serve --stdio`: the long-lived JSON-RPC server behind the Python API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve convert, info, validate, formats, environment and extensions requests as JSON-RPC 2.0 over stdin/stdout (one message per line).")

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Speak over stdin and stdout (the only transport).")
    var stdio = false

    func validate() throws {
        guard stdio else { throw ValidationError("Pass --stdio: pyforge serve speaks JSON-RPC over stdin/stdout.") }
    }

    func run() async throws {
        let console = Console(verbose: globals.verbose)
        let code = PyForgeServer(environment: ProcessInfo.processInfo.environment, logger: console.logger).run()
        throw ExitCode(code)
    }
}
