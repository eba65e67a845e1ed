import Platform
import ArgumentParser
import Pipeline
import FormatKit

/// A command failed for a reason the user can fix: print the message, exit with its code.
struct CommandFailure: Error {
    let error: ConversionError
    init(_ error: ConversionError) { self.error = error }
}

/// The process entry point behind the thin `pyforge` executable. Every command is a
/// synchronous `ParsableCommand` run on the main thread (docs/CONCURRENCY.md): conversions
/// block on reading and writing files, which is what an OS thread is for.
public enum PyForgeMain {
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        signal(SIGPIPE, SIG_IGN)
        // Past a file-size limit, writes then fail with EFBIG (a clean error and cleanup)
        // instead of the signal killing the process with its temporary file left behind.
        signal(SIGXFSZ, SIG_IGN)
        InterruptCleanup.install()
        do {
            var command = try PyForgeCommand.parseAsRoot(LegacyArguments.rewrite(arguments))
            try command.run()
            exit(0)
        } catch let failure as CommandFailure {
            writeStderr("pyforge: error: \(failure.error.description)\n")
            exit(failure.error.exitCode)
        } catch {
            let code = PyForgeCommand.exitCode(for: error)
            if code == .success {
                print(PyForgeCommand.fullMessage(for: error))
                exit(0)
            }
            if code == .validationFailure {
                // A usage mistake: the message and how to get help, exit code 2.
                let message = PyForgeCommand.message(for: error)
                if arguments.contains("--json") {
                    // Scripts asked for JSON: they get the failure as JSON too.
                    let input = arguments.dropFirst().first { !$0.hasPrefix("-") } ?? ""
                    try? Console(verbose: false).printJSON(UsageFailure(input: input, error: message))
                }
                writeStderr("pyforge: error: \(message)\n")
                writeStderr("Run 'pyforge --help' or 'pyforge <command> --help' for usage.\n")
                exit(2)
            }
            let message = PyForgeCommand.message(for: error)
            if !message.isEmpty { writeStderr("pyforge: error: \(message)\n") }
            exit(code.rawValue)
        }
    }
}

/// The `--json` object printed for a usage error (exit code 2).
struct UsageFailure: Encodable {
    var success = false
    var input: String
    var error: String
    var exitCode: Int32 = 2

    enum CodingKeys: String, CodingKey {
        case success, input, error
        case exitCode = "exit_code"
    }
}
