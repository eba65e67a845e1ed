// swift-tools-version:6.0
import Foundation
import PackageDescription

// The Databricks extension is its own package so that its heavy dependencies (gRPC, NIO,
// TLS) never enter the core's build. It uses the core's extension kit, Parquet footer
// reader, Platform (system calls, spawning, temporary names), Values (civil time) and
// CSVFormat (the CSV dialect sniffer, so Spark reads a CSV file as pyforge would) through a
// path dependency on the repository root, whose package identity is the root directory's
// name (a clone may be called anything). None of them links libxml2 or libmdb.
//
// No target may import Foundation (only FoundationEssentials): the full Foundation brings
// ICU along and triples the size of the static binary the wheel ships.
let corePackage = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "pyforge-databricks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pyforge-databricks", targets: ["pyforge-databricks"])
    ],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Where are we running: Databricks serverless, classic compute, or elsewhere.
        .target(
            name: "DatabricksEnvironment",
            dependencies: [.product(name: "Platform", package: corePackage), .product(name: "Values", package: corePackage)]),

        // A small HTTP/1.1 client on SwiftNIO: streamed bodies both ways, TLS, timeouts.
        .target(
            name: "HTTPTransfer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // Unity Catalog Volume paths, the FUSE mount and the Files API client.
        .target(
            name: "UnityCatalogVolumes",
            dependencies: [
                "DatabricksEnvironment", "HTTPTransfer",
                .product(name: "Platform", package: corePackage),
                .product(name: "Values", package: corePackage),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // A Spark Connect client: our own protobuf encoding of the messages we send and
        // read, over grpc-swift-2's HTTP/2 transport.
        .target(
            name: "SparkConnect",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),

        // The extension's handler: environment, engine choice, volumes and Spark together.
        .target(
            name: "DatabricksExtension",
            dependencies: [
                "DatabricksEnvironment", "UnityCatalogVolumes", "SparkConnect",
                .product(name: "PyForgeExtensionKit", package: corePackage),
                .product(name: "ExtensionProtocol", package: corePackage),
                .product(name: "Parquet", package: corePackage),
                .product(name: "CSVFormat", package: corePackage),
                .product(name: "Platform", package: corePackage),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "pyforge-databricks", dependencies: ["DatabricksExtension"]),

        // Detection's 50 ms budget, measured (see benchmarks/databricks_detection.py).
        .executableTarget(
            name: "databricks-detection-benchmark", dependencies: ["DatabricksEnvironment"],
            path: "Benchmarks/DetectionBenchmark"),

        // Test tool: our request bytes for pyspark's decoder (Tests/EndToEnd/test_spark_plan_bytes.py).
        .executableTarget(name: "spark-request-bytes", dependencies: ["SparkConnect"], path: "Tools/SparkRequestBytes"),

        .testTarget(
            name: "DatabricksEnvironmentTests",
            dependencies: ["DatabricksEnvironment", .product(name: "Values", package: corePackage)]),
        .testTarget(
            name: "HTTPTransferTests",
            dependencies: [
                "HTTPTransfer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "UnityCatalogVolumesTests",
            dependencies: [
                "UnityCatalogVolumes", "DatabricksEnvironment", "HTTPTransfer",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "SparkConnectTests", dependencies: ["SparkConnect", .product(name: "GRPCCore", package: "grpc-swift-2")]),
        .testTarget(
            name: "DatabricksExtensionTests",
            dependencies: [
                "DatabricksExtension", "DatabricksEnvironment", "SparkConnect", "UnityCatalogVolumes",
                .product(name: "ExtensionProtocol", package: corePackage),
            ]),
    ]
)
