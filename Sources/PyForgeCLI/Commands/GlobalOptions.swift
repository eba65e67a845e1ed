import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Pipeline
import FormatKit

/// Options every subcommand accepts, before or after its name.
public struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print progress details and debug logs to stderr.")
    public var verbose = false

    @Option(help: "Memory one conversion may use, such as 2G or 512M (default: \(MemoryBudget.variable), else \(MemoryBudget.describe(MemoryBudget.defaultBytes, compact: true))). The readers' buffers are bounded by it, and the process cannot allocate much more (README \"Resource limits\").")
    public var maxMemory: String?

    public init() {}

    public func validate() throws {
        if let maxMemory, MemoryBudget.parse(maxMemory) == nil {
            throw ValidationError(MemoryBudget.invalid(maxMemory, source: "--max-memory"))
        }
    }

    /// Sets this process's memory budget (and its backstop limit) from --max-memory or the
    /// environment.
    func installMemoryBudget() throws {
        do throws(ConversionError) {
            MemoryBudget.install(try MemoryBudget.resolve(option: maxMemory, environment: ProcessInfo.processInfo.environment))
        } catch {
            throw CommandFailure(error)
        }
    }
}
