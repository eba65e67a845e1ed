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
