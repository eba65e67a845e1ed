import ArgumentParser

/// Options every subcommand accepts, before or after its name.
public struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print progress details and debug logs to stderr.")
    public var verbose = false

    public init() {}
}
