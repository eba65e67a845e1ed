#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import PyForgeCore

/// A command failed for a reason the user can fix: print the message, exit with its code.
struct CommandFailure: Error {
    let error: ConversionError
    init(_ error: ConversionError) { self.error = error }
}

/// The process entry point behind the thin `pyforge` executable.
public enum PyForgeMain {
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        signal(SIGPIPE, SIG_IGN)
        // Past a file-size limit, writes then fail with EFBIG (a clean error and cleanup)
        // instead of the signal killing the process with its temporary file left behind.
        signal(SIGXFSZ, SIG_IGN)
        InterruptCleanup.install()
        do {
            var command = try PyForgeCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
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
                writeStderr("pyforge: error: \(PyForgeCommand.message(for: error))\n")
                writeStderr("Run 'pyforge --help' or 'pyforge <command> --help' for usage.\n")
                exit(2)
            }
            let message = PyForgeCommand.message(for: error)
            if !message.isEmpty { writeStderr("pyforge: error: \(message)\n") }
            exit(code.rawValue)
        }
    }
}
