import ArgumentParser
import Pipeline
import Delta
import XMLFormat

// The option value types live below the CLI (format code does not depend on ArgumentParser);
// here they become command-line arguments, parsed by the same `init(optionText:)` that
// `pyforge serve` decodes them with.

extension ConvertOptionValue {
    /// nil when the text is not a value (ArgumentParser then reports it).
    init?(parsing argument: String) {
        do throws(OptionValueError) { try self.init(optionText: argument) } catch { return nil }
    }

    /// For `@Option(transform:)` on a free-form value: the reason a text is refused reaches
    /// the user ("The value ';;' is invalid for '--delimiter <delimiter>': use a single character…").
    static func argument(_ text: String) throws -> Self {
        do throws(OptionValueError) { return try Self(optionText: text) } catch { throw error }
    }
}

// Choices: ArgumentParser lists the accepted names when a value is not one of them, and in
// completions.
extension OutputFormat: ExpressibleByArgument { public init?(argument: String) { self.init(parsing: argument) } }
extension CompressionChoice: ExpressibleByArgument { public init?(argument: String) { self.init(parsing: argument) } }
extension DeltaWriteMode: ExpressibleByArgument { public init?(argument: String) { self.init(parsing: argument) } }
extension XMLOptions.Flatten: ExpressibleByArgument { public init?(argument: String) { self.init(parsing: argument) } }
extension XMLOptions.Arrays: ExpressibleByArgument { public init?(argument: String) { self.init(parsing: argument) } }
extension XMLOptions.Namespaces: ExpressibleByArgument { public init?(argument: String) { self.init(parsing: argument) } }
extension OptionList: ExpressibleByArgument { public init?(argument: String) { self.init(optionText: argument) } }
