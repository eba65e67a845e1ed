import Platform
import Values
import FormatKit
import CSVFormat
import ArgumentParser
import Pipeline

/// An option group of `convert` (and of `info`/`validate`, which read inputs as `convert`
/// does). Its typed options fill its part of `ConvertOptions`, the schema `pyforge serve` and
/// the Python API share, and are checked by that schema's rules.
protocol ConvertOptionGroup: ParsableArguments {
    func fill(_ options: inout ConvertOptions)
}

extension ConvertOptionGroup {
    /// This group's options alone.
    var convertOptions: ConvertOptions {
        var options = ConvertOptions()
        fill(&options)
        return options
    }

    func validate() throws {
        try usageError { () throws(ConversionError) in try convertOptions.validate(name: .flag) }
    }
}

/// A schema check's sentence as a usage error (exit code 2, with the usage line).
func usageError(_ check: () throws(ConversionError) -> Void) throws {
    do throws(ConversionError) { try check() } catch { throw ValidationError(error.description) }
}
