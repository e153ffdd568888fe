// swift-tools-version:6.1
//
// Zhibiao: Chinese economic reports → indicator facts in PostgreSQL, and a reporting service over them.
//
// Layout (one job per module):
//   Shared/CLibPQ          system library: libpq's C API (only ZhibiaoPostgres imports it)
//   Shared/Postgres        ZhibiaoPostgres: the one Swift wrapper of libpq
//   Shared/Observability   ZhibiaoObservability: log handlers and the metrics registry (what a process emits)
//   Shared/Configuration   ZhibiaoConfiguration: database URL / embedded cluster / socket resolution, shared flags
//                          (command-line parsing: only the executables import it)
//   Shared/Schema          ZhibiaoSchema: versioned SQL migrations and their runner
//   Services/Ingest        ZhibiaoFacts (the fact types), ZhibiaoExtraction (text → facts), ZhibiaoIngest (queue,
//                          workers), zhibiao-ingest
//   Services/Reporting     ZhibiaoProtocol (JSONValue, RPC envelopes), ZhibiaoRendering (figures in their units,
//                          tables, CSV, SVG charts, the region page), ZhibiaoReporting (socket server, methods,
//                          queries), zhibiao-report
import PackageDescription

let package = Package(
    name: "Zhibiao",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zhibiao-ingest", targets: ["ZhibiaoIngestCLI"]),
        .executable(name: "zhibiao-report", targets: ["ZhibiaoReportCLI"]),
        .executable(name: "zhibiao-bench", targets: ["ZhibiaoBench"]),
        .executable(name: "zhibiao-fuzz", targets: ["ZhibiaoFuzz"]),
        .executable(name: "zhibiao-fuzz-protocol", targets: ["ZhibiaoProtocolFuzz"]),
        .library(name: "ZhibiaoExtraction", targets: ["ZhibiaoExtraction"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Shared
        .systemLibrary(
            name: "CLibPQ",
            path: "Shared/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "ZhibiaoPostgres",
            dependencies: ["CLibPQ"],
            path: "Shared/Postgres"
        ),
        // What a process emits: its log handlers (JSON, escaped text) and its metrics registry. Libraries use it;
        // command-line parsing stays in ZhibiaoConfiguration, which only the executables import.
        .target(
            name: "ZhibiaoObservability",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Shared/Observability"
        ),
        .target(
            name: "ZhibiaoConfiguration",
            dependencies: [
                "ZhibiaoPostgres",
                "ZhibiaoObservability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Configuration"
        ),
        .target(
            name: "ZhibiaoSchema",
            dependencies: [
                "ZhibiaoPostgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Schema",
            resources: [.copy("Migrations")]
        ),

        // MARK: Ingest service
        // The facts the engine emits and the ingest stores (nothing else uses them: the services share only SQL).
        .target(
            name: "ZhibiaoFacts",
            path: "Services/Ingest/Facts"
        ),
        .target(
            name: "ZhibiaoExtraction",
            dependencies: ["ZhibiaoFacts"],
            path: "Services/Ingest/Extraction",
            resources: [.copy("Resources")]
        ),
        .target(
            name: "ZhibiaoIngest",
            dependencies: [
                "ZhibiaoExtraction",
                "ZhibiaoFacts",
                "ZhibiaoPostgres",
                "ZhibiaoSchema",
                "ZhibiaoObservability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Ingest/Core"
        ),
        .executableTarget(
            name: "ZhibiaoIngestCLI",
            dependencies: [
                "ZhibiaoIngest",
                "ZhibiaoExtraction",
                "ZhibiaoConfiguration",
                "ZhibiaoObservability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Ingest/CLI"
        ),

        // MARK: Reporting service
        // The protocol's values and envelopes: JSONValue and its parser/writer, RPC requests, responses and errors.
        .target(
            name: "ZhibiaoProtocol",
            path: "Services/Reporting/Protocol"
        ),
        .target(
            name: "ZhibiaoRendering",
            dependencies: ["ZhibiaoProtocol"],
            path: "Services/Reporting/Rendering"
        ),
        .target(
            name: "ZhibiaoReporting",
            dependencies: [
                "ZhibiaoProtocol",
                "ZhibiaoRendering",
                "ZhibiaoPostgres",
                "ZhibiaoObservability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Reporting/Core"
        ),
        .executableTarget(
            name: "ZhibiaoReportCLI",
            dependencies: [
                "ZhibiaoReporting",
                "ZhibiaoRendering",
                "ZhibiaoConfiguration",
                "ZhibiaoObservability",
                "ZhibiaoProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Reporting/CLI"
        ),

        // MARK: Benchmarks (make bench)
        .executableTarget(
            name: "ZhibiaoBench",
            dependencies: [
                "ZhibiaoExtraction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/ZhibiaoBench"
        ),

        // make fuzz builds this with -sanitize=fuzzer,address and ZHIBIAO_LIBFUZZER; otherwise it replays a corpus.
        .target(name: "ZhibiaoFuzzSupport", path: "Fuzz/Support"),
        .executableTarget(
            name: "ZhibiaoFuzz",
            dependencies: ["ZhibiaoExtraction", "ZhibiaoFuzzSupport"],
            path: "Fuzz/ExtractionFuzzer"
        ),
        // The report server's request parser, the same way.
        .executableTarget(
            name: "ZhibiaoProtocolFuzz",
            dependencies: ["ZhibiaoProtocol", "ZhibiaoFuzzSupport"],
            path: "Fuzz/ProtocolFuzzer"
        ),

        // MARK: Tests
        .target(
            name: "ZhibiaoTestSupport",
            dependencies: ["ZhibiaoPostgres", "ZhibiaoSchema", "ZhibiaoConfiguration"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["ZhibiaoPostgres", "ZhibiaoSchema", "ZhibiaoTestSupport"],
            path: "Tests/PostgresTests"
        ),
        .testTarget(
            name: "ExtractionTests",
            dependencies: ["ZhibiaoExtraction", "ZhibiaoFacts"],
            path: "Tests/ExtractionTests",
            exclude: ["FuzzRegressions"],  // read from the repository by path, like the fuzzer's corpus
            resources: [.copy("Gold"), .copy("Cases")]
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "ZhibiaoIngest", "ZhibiaoExtraction", "ZhibiaoObservability", "ZhibiaoTestSupport", "ZhibiaoPostgres",
            ],
            path: "Tests/IngestTests"
        ),
        .testTarget(
            name: "RenderingTests",
            dependencies: ["ZhibiaoRendering", "ZhibiaoProtocol"],
            path: "Tests/RenderingTests"
        ),
        .testTarget(
            name: "ReportingTests",
            dependencies: [
                "ZhibiaoReporting", "ZhibiaoRendering", "ZhibiaoProtocol", "ZhibiaoTestSupport", "ZhibiaoPostgres",
                "ZhibiaoSchema", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/ReportingTests",
            exclude: ["Golden"]
        ),
    ]
)
