import ExtensionProtocol
import Testing

@testable import DatabricksExtension

@Suite struct ConversionOptionsTests {
    @Test func decodesTheHostsOptions() {
        let options = ConversionOptions(.object(["engine": .string("SPARK"), "force": .bool(true), "direct": .bool(true)]))
        #expect(options == ConversionOptions(engine: .spark, force: true, direct: true))
    }

    @Test func aProtocol10HostSendsNothingAndGetsDefaults() {
        #expect(ConversionOptions(nil) == ConversionOptions())
        #expect(ConversionOptions(.object(["engine": .string("warp-drive")])).engine == .auto)
    }
}

@Suite struct ConversionOptionsDeltaTests {
    @Test func deltaOptionsBecomeTheCoresArguments() {
        let options = ConversionOptions(.object([
            "mode": .string("Append"), "partitionBy": .array([.string("region"), .string("day")]), "mergeSchema": .bool(true),
        ]))
        #expect(options.deltaArguments == ["--mode", "append", "--partition-by", "region,day", "--merge-schema"])
        // --force turns the default mode into an overwrite, as for the host's own Delta outputs.
        #expect(ConversionOptions(.object(["force": .bool(true)])).deltaArguments == ["--mode", "overwrite"])
        #expect(ConversionOptions(nil).deltaArguments == ["--mode", "error"])
    }
}
