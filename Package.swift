// swift-tools-version:6.0
import PackageDescription

// Hot paths (byte scanning, encoding) are checked by tests; in release builds
// exclusivity checks cost more than they catch there.
let performanceSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

/// The target of one input format: `<Name>Format` in Sources/Formats/<Name>, on the base
/// modules and the C libraries it alone links (ARCHITECTURE.md, scripts/check-imports).
func format(_ name: String, links: [Target.Dependency] = []) -> Target {
    .target(
        name: name + "Format", dependencies: ["Platform", "Columnar", "Values", "FormatKit"] + links,
        path: "Sources/Formats/" + name, swiftSettings: performanceSettings)
}

let package = Package(
    name: "pyforge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pyforge", targets: ["pyforge"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "Values", targets: ["Values"]),
        .library(name: "FormatKit", targets: ["FormatKit"]),
        .library(name: "CSVFormat", targets: ["CSVFormat"]),
        .library(name: "Delta", targets: ["Delta"]),
        .library(name: "TextWriters", targets: ["TextWriters"]),
        .library(name: "PyForgeExtensionKit", targets: ["PyForgeExtensionKit"]),
        .library(name: "ExtensionProtocol", targets: ["ExtensionProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System libraries (Debian: libsnappy-dev, libzstd-dev, zlib1g-dev, libxml2-dev, libbz2-dev, mdbtools-dev).
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "SystemZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CBZip2", providers: [.apt(["libbz2-dev"])]),
        // mdbtools' libmdb (LGPL-2.0-or-later) reads Microsoft Access files (Debian: mdbtools-dev).
        .systemLibrary(name: "CMDBTools", pkgConfig: "libmdb", providers: [.apt(["mdbtools-dev"])]),

        // The C library import, the monotonic clock, temporary files, threads, queues and
        // process spawning: what every other module needs from the operating system.
        .target(name: "Platform", swiftSettings: performanceSettings),

        // Schema and typed column batches: where readers and writers meet.
        .target(name: "Columnar", swiftSettings: performanceSettings),

        // Civil time and the parsing and printing of numbers, dates and decimals.
        .target(name: "Values", dependencies: ["Platform"], swiftSettings: performanceSettings),

        // Apache Parquet writer (and footer reader), written from the format specification.
        .target(
            name: "Parquet",
            dependencies: ["Platform", "Columnar", "CSnappy", "CZstd", "SystemZlib"],
            swiftSettings: performanceSettings
        ),

        // What every reader shares: the table reader protocol, the conversion error, input
        // bytes and decompression, text encodings, type inference, atomic output files.
        .target(
            name: "FormatKit",
            dependencies: ["Platform", "Columnar", "Values", "CBZip2", "CZstd", "SystemZlib"],
            swiftSettings: performanceSettings
        ),

        // One target per input format (Sources/Formats/<Name>); none imports another.
        format("CSV"), format("JSON"), format("XML", links: ["CLibXML2"]), format("DBase"),
        format("Access", links: ["CMDBTools"]), format("PDF", links: ["SystemZlib"]),
        format("Excel", links: ["CLibXML2", "SystemZlib"]),

        // The writers beside Parquet: Delta tables (Parquet data files and a transaction log)
        // and CSV/JSON/NDJSON text.
        .target(
            name: "Delta", dependencies: ["Platform", "Columnar", "Values", "FormatKit", "Parquet"],
            swiftSettings: performanceSettings),
        .target(
            name: "TextWriters", dependencies: ["Platform", "Columnar", "Values", "FormatKit"],
            swiftSettings: performanceSettings),

        // Readers and the conversion pipeline.
        .target(
            name: "Pipeline",
            dependencies: [
                "Platform", "Columnar", "Values", "FormatKit", "CSVFormat", "JSONFormat", "XMLFormat", "DBaseFormat", "AccessFormat", "PDFFormat", "ExcelFormat", "Parquet", "Delta", "TextWriters", "SystemZlib",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: performanceSettings
        ),

        // JSON-RPC 2.0 messages, line framing and the extension protocol's bodies.
        .target(name: "ExtensionProtocol"),

        // Finds, checks, runs and supervises extensions: discovery, sessions and delegation.
        .target(name: "ExtensionHost", dependencies: ["Platform", "FormatKit", "CSVFormat", "ExtensionProtocol", "Pipeline", "Parquet", "Delta"]),

        // The conversion front door: a request resolved once into a ResolvedInput, routed to
        // an extension (through ExtensionHost) or to the built-in engine.
        .target(
            name: "Conversion",
            dependencies: ["Platform", "FormatKit", "CSVFormat", "ExtensionHost", "Pipeline", .product(name: "Logging", package: "swift-log")]),

        // `pyforge serve`: pyforge's own JSON-RPC server for the Python API (a front end).
        .target(
            name: "Serve",
            dependencies: [
                "Platform", "FormatKit", "CSVFormat", "Conversion", "ExtensionHost", "ExtensionProtocol", "Pipeline", "Parquet",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // What an extension author imports: the protocol loop around a handler.
        .target(name: "PyForgeExtensionKit", dependencies: ["ExtensionProtocol"]),
        .executableTarget(
            name: "pyforge-example-allstrings", dependencies: ["PyForgeExtensionKit", "Pipeline", "FormatKit", "CSVFormat", "ExtensionProtocol"],
            path: "extensions/examples/swift-allstrings/Sources"),
        // Misbehaves on purpose, for the host's failure-mode tests.
        .executableTarget(
            name: "pyforge-example-misbehaving", dependencies: ["PyForgeExtensionKit", "ExtensionProtocol"],
            path: "extensions/examples/swift-misbehaving/Sources"),

        // The command line: one subcommand per file, no conversion logic.
        .target(
            name: "PyForgeCLI",
            dependencies: [
                "Platform", "FormatKit", "CSVFormat", "XMLFormat", "DBaseFormat", "Delta", "Pipeline", "ExtensionHost", "Conversion", "Serve",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "pyforge", dependencies: ["PyForgeCLI"]),

        // Extension-host costs (see benchmarks/extension_host.py).
        .executableTarget(
            name: "extension-host-benchmark", dependencies: ["ExtensionHost", "ExtensionProtocol"],
            path: "benchmarks/ExtensionHostBenchmark"),

        // Writer-only benchmark (see benchmarks/parquet_writer.py).
        .executableTarget(
            name: "parquet-write-benchmark", dependencies: ["Parquet", "Columnar"],
            path: "benchmarks/ParquetWriteBenchmark"),

        // What the Swift test targets share (temporary files, reading a source to its end).
        .target(name: "TestSupport", dependencies: ["Columnar", "FormatKit", "CZstd"], path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "ValuesTests", dependencies: ["TestSupport", "Values", "Platform"]),
        .testTarget(name: "FormatKitTests", dependencies: ["TestSupport", "FormatKit", "Columnar", "Values", "Platform", "CZstd"]),
        .testTarget(name: "CSVFormatTests", dependencies: ["TestSupport", "CSVFormat", "FormatKit", "Columnar", "Values", "Platform", "CZstd"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "Columnar"]),
        .testTarget(name: "PipelineTests", dependencies: ["TestSupport", "Pipeline", "Platform", "Values", "FormatKit", "CSVFormat", "DBaseFormat", "PDFFormat", "Columnar", "Parquet", "Delta", "CZstd"]),
        .testTarget(name: "JSONFormatTests", dependencies: ["TestSupport", "JSONFormat", "FormatKit", "Columnar", "Pipeline"]),
        .testTarget(name: "XMLFormatTests", dependencies: ["TestSupport", "XMLFormat", "FormatKit", "Columnar", "CLibXML2"]),
        .testTarget(name: "DBaseFormatTests", dependencies: ["TestSupport", "DBaseFormat", "FormatKit", "Columnar"]),
        .testTarget(name: "ExtensionProtocolTests", dependencies: ["ExtensionProtocol"]),
        .testTarget(name: "ExtensionHostTests", dependencies: ["ExtensionHost", "ExtensionProtocol", "Platform", "FormatKit"]),
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        .testTarget(name: "DeltaTests", dependencies: ["TestSupport", "Delta", "Columnar", "FormatKit", "Parquet"]),
        .testTarget(name: "TextWritersTests", dependencies: ["TextWriters", "Columnar", "FormatKit", "Platform"]),
        .testTarget(
            name: "PyForgeCLITests",
            dependencies: ["PyForgeCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "PyForgeExtensionKitTests", dependencies: ["PyForgeExtensionKit", "ExtensionProtocol"]),
        .testTarget(name: "AccessFormatTests", dependencies: ["AccessFormat", "FormatKit"]),
        .testTarget(name: "PDFFormatTests", dependencies: ["PDFFormat", "FormatKit"]),
        .testTarget(name: "ExcelFormatTests", dependencies: ["ExcelFormat", "FormatKit", "Columnar", "Values"]),
        .testTarget(name: "ConversionTests", dependencies: ["Conversion", "ExtensionHost", "Pipeline", "Platform", "FormatKit", "CSVFormat", "ExcelFormat"], exclude: ["Fixtures"]),
    ]
)

// libFuzzer targets (Fuzz/, run by scripts/fuzz): declared only when PYFORGE_FUZZ=1, so the
// ordinary build and the release build never see them. They need -sanitize=fuzzer, which
// brings its own main(), and a scratch path of their own (.build/fuzz).
if Context.environment["PYFORGE_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "pyforge-fuzz", dependencies: ["Pipeline", "Platform", "Values", "FormatKit", "CSVFormat", "JSONFormat", "XMLFormat", "DBaseFormat", "AccessFormat", "PDFFormat", "ExcelFormat", "Parquet", "Delta", "ExtensionProtocol", "Columnar"],
            path: "Fuzz/Sources/pyforge-fuzz"))
}
