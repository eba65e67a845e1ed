import ArgumentParser
import ExtensionHost
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform
import Pipeline
import FormatKit

/// `info` and `validate` on a path an extension claims (a Unity Catalog Volume path): the
/// extension runs the command on a copy it stages (`PathInspection`), and what it printed is
/// printed here, with its exit status.
enum ClaimedPathCommand {
    /// Returns false when no extension claims `input`; otherwise prints the outcome and
    /// returns true, or exits with the command's non-zero status.
    static func runIfClaimed(_ command: String, input: String) throws -> Bool {
        let outcome: PathInspection.Outcome?
        do {
            outcome = try PathInspection.run(
                command, path: input, arguments: forwardedArguments(command, input: input),
                environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(error)
        }
        guard let outcome else { return false }
        writeAll(outcome.stdout, to: STDOUT_FILENO)
        writeAll(outcome.stderr, to: STDERR_FILENO)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
        return true
    }

    private static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The user's arguments after the command name, without the input path: the options the
    /// extension passes on to the command it runs.
    static func forwardedArguments(_ command: String, input: String, arguments: [String] = CommandLine.arguments) -> [String] {
        guard let start = arguments.dropFirst().firstIndex(of: command) else { return [] }
        var rest = Array(arguments[(start + 1)...])
        if let path = rest.firstIndex(of: input) { rest.remove(at: path) }
        return rest
    }
}
