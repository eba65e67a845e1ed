import ArgumentParser
@testable import PyForgeCLI
import Testing

/// `pyforge convert`'s arguments as the parser and `validate()` see them; nothing is converted.
@Suite struct ConvertArgumentsTests {
    @Test func aSingleInputWithItsOutputAndCodec() throws {
        let convert = try #require(try parse(["convert", "in.csv", "out.parquet", "-c", "zstd", "--compression-level", "5"]) as? ConvertCommand)
        #expect(convert.input == "in.csv")
        #expect(convert.output == "out.parquet")
        #expect(!convert.isBatch)
        #expect(convert.compressionLevel == 5)
        #expect(convert.engineName == "auto")
    }

    @Test func outputDirectoryOfOneInputNamesADirectory() throws {
        let convert = try #require(try parse(["convert", "in.csv", "--output-dir", "out"]) as? ConvertCommand)
        #expect(convert.output == "out/")
    }

    @Test func severalInputsAreABatch() throws {
        let convert = try #require(try parse(["convert", "a.csv", "b.csv", "c.csv"]) as? ConvertCommand)
        #expect(convert.isBatch)
    }

    @Test func txtIsTheTextFormat() throws {
        let convert = try #require(try parse(["convert", "doc.pdf", "-f", "txt"]) as? ConvertCommand)
        #expect(convert.format == .text)
    }

    @Test func unknownFormatAndCodecAreUsageErrors() {
        #expect(usageError(["convert", "in.csv", "-f", "avro"])?.contains("'avro'") == true)
        #expect(usageError(["convert", "in.csv", "-c", "lz4"])?.contains("'lz4'") == true)
    }

    @Test func compressionLevelsFollowTheCodec() {
        #expect(usageError(["convert", "in.csv", "-c", "zstd", "--compression-level", "23"])?.contains("must be 1-22; got 23") == true)
        #expect(usageError(["convert", "in.csv", "-c", "gzip", "--compression-level", "10"])?.contains("must be 1-9; got 10") == true)
        #expect(usageError(["convert", "in.csv", "--compression-level", "3"])?.contains("zstd and gzip only") == true)
        #expect(usageError(["convert", "in.csv", "-c", "gzip", "--compression-level", "9"]) == nil)
    }

    @Test func forcePysparkMeansSparkAndNothingElse() throws {
        let convert = try #require(try parse(["convert", "in.csv", "--force-pyspark"]) as? ConvertCommand)
        #expect(convert.engineName == "spark")
        #expect(usageError(["convert", "in.csv", "--force-pyspark", "--engine", "core"])?.contains("cannot be combined with --engine core") == true)
    }

    @Test func workersMustBePositive() {
        #expect(usageError(["convert", "a.csv", "b.csv", "c.csv", "--workers", "0"])?.contains("--workers must be a positive number") == true)
    }

    @Test func previewSchemaTakesOneInput() {
        #expect(usageError(["convert", "a.csv", "b.csv", "c.csv", "--preview-schema"])?.contains("--preview-schema takes one input") == true)
    }

    @Test func aCatalogTableNeedsSparkAndAProperName() {
        #expect(usageError(["convert", "in.csv", "--table", "main.sales.orders"])?.contains("add --engine spark") == true)
        #expect(usageError(["convert", "in.csv", "--engine", "spark", "--table", "main..orders"])?.contains("must be a table name") == true)
        #expect(usageError(["convert", "in.csv", "out.parquet", "--engine", "spark", "--table", "orders"])?.contains("no output path") == true)
        #expect(usageError(["convert", "in.csv", "--engine", "spark", "--table", "main.sales.orders"]) == nil)
    }

    @Test func aMissingInputIsAUsageError() {
        #expect(usageError(["convert"]) != nil)
    }
}

/// The root command, subcommand resolution and 1.x spellings.
@Suite struct CommandLineTests {
    @Test func subcommandsResolveByName() throws {
        #expect(try parse(["info", "a.csv"]) is InfoCommand)
        #expect(try parse(["validate", "a.csv"]) is ValidateCommand)
        #expect(try parse(["formats"]) is FormatsCommand)
        #expect(try parse(["extensions", "list"]) is ExtensionsListCommand)
        #expect(try parse(["install", "sample-datasets"]) is InstallSampleDatasetsCommand)
    }

    @Test func anUnknownSubcommandOrOptionIsAUsageError() {
        #expect(usageError(["frobnicate"]) != nil)
        #expect(usageError(["convert", "in.csv", "--no-such-option"])?.contains("--no-such-option") == true)
    }

    @Test func theOldSampleReleaseFlagIsRewritten() {
        #expect(LegacyArguments.rewrite(["install", "sample-datasets", "-v", "v1.0.0", "out"]) == ["install", "sample-datasets", "--release", "v1.0.0", "out"])
        #expect(LegacyArguments.rewrite(["install", "sample-datasets", "--version=1.2"]) == ["install", "sample-datasets", "--release=1.2"])
        // -v before something that is not a version stays --verbose.
        #expect(LegacyArguments.rewrite(["install", "sample-datasets", "-v", "out"]) == ["install", "sample-datasets", "-v", "out"])
        // Other commands are left as they are.
        #expect(LegacyArguments.rewrite(["convert", "-v", "1.0.csv"]) == ["convert", "-v", "1.0.csv"])
    }
}

private func parse(_ arguments: [String]) throws -> ParsableCommand {
    try PyForgeCommand.parseAsRoot(LegacyArguments.rewrite(arguments))
}

/// The usage message the command line prints for `arguments` (exit code 2), nil when they parse.
private func usageError(_ arguments: [String]) -> String? {
    do {
        _ = try parse(arguments)
        return nil
    } catch {
        #expect(PyForgeCommand.exitCode(for: error) == .validationFailure, "not a usage error: \(error)")
        return PyForgeCommand.message(for: error)
    }
}
