// swift-tools-version: 6.0
// The batch pricing and analytics pipeline of the service marketplace.
// Layers: C shims (CLibPQ, CLibCSV) -> Swift wrappers (Postgres, CSV) -> stages
// (Warehouse, Marketplace, Ingest, PricingModel, Reports) -> command line (PricingCLI, pricing).
import PackageDescription

let package = Package(
  name: "pricing",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "pricing", targets: ["pricing"]),
    // Libraries for the benchmark package (Benchmarks/), which depends on this one by path.
    .library(name: "Postgres", targets: ["Postgres"]),
    .library(name: "CSV", targets: ["CSV"]),
    .library(name: "PricingModel", targets: ["PricingModel"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // MARK: - C shims
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]
    ),
    .systemLibrary(
      name: "CLibCSV",
      providers: [.apt(["libcsv-dev"])]
    ),

    // MARK: - Wrappers
    .target(name: "CivilCalendar"),
    .target(
      name: "Postgres",
      dependencies: ["CLibPQ", "CivilCalendar", .product(name: "Logging", package: "swift-log")]
    ),
    .target(name: "CSV", dependencies: ["CLibCSV"]),

    // MARK: - Stages
    .target(
      name: "Warehouse",
      dependencies: ["Postgres", .product(name: "Logging", package: "swift-log")]
    ),
    .target(
      name: "Marketplace",
      dependencies: ["Postgres", "Warehouse", "PricingModel", .product(name: "Logging", package: "swift-log")]
    ),
    .target(
      name: "Ingest",
      dependencies: ["Postgres", "CSV", "Warehouse", .product(name: "Logging", package: "swift-log")]
    ),
    // The model's numerics are optimised in debug builds too: unoptimised, a fit of the demo's cells takes
    // minutes instead of seconds, and the tests fit dozens of times.
    .target(
      name: "PricingModel", dependencies: ["CSV", "CivilCalendar"],
      swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
    .target(
      name: "Fitting",
      dependencies: [
        "Postgres", "CSV", "Warehouse", "PricingModel", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "Publish",
      dependencies: ["Postgres", "Warehouse", .product(name: "Logging", package: "swift-log")]
    ),
    .target(
      name: "Reports",
      dependencies: ["Postgres", "CSV", "Warehouse", .product(name: "Logging", package: "swift-log")]
    ),

    .target(
      name: "Pipeline",
      dependencies: [
        "Postgres", "CSV", "Warehouse", "Marketplace", "Ingest", "PricingModel", "Fitting", "Publish", "Reports",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),

    // MARK: - Command line
    .target(
      name: "PricingCLI",
      dependencies: [
        "Postgres", "CSV", "Warehouse", "Marketplace", "Ingest", "PricingModel", "Fitting", "Publish", "Reports", "Pipeline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(name: "pricing", dependencies: ["PricingCLI"]),

    // MARK: - Tests
    .target(
      name: "TestSupport",
      dependencies: ["Postgres", .product(name: "Logging", package: "swift-log")],
      path: "Tests/TestSupport"
    ),
    .testTarget(name: "PostgresTests", dependencies: ["Postgres", "CSV", "TestSupport"]),
    .testTarget(name: "CSVTests", dependencies: ["CSV"]),
    .testTarget(
      name: "PricingModelTests", dependencies: ["PricingModel", "CSV"], exclude: ["Fixtures"]),
    .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "Postgres", "TestSupport"]),
    .testTarget(
      name: "MarketplaceTests",
      dependencies: ["Marketplace", "Warehouse", "Postgres", "TestSupport"]
    ),
    .testTarget(
      name: "IngestTests", dependencies: ["Ingest", "Marketplace", "Warehouse", "Postgres", "TestSupport"]),
    .testTarget(
      name: "FittingTests",
      dependencies: [
        "Fitting", "Ingest", "Marketplace", "PricingModel", "Publish", "Warehouse", "Postgres", "TestSupport",
      ]),
    .testTarget(
      name: "PublishTests", dependencies: ["Publish", "Warehouse", "Postgres", "TestSupport"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Warehouse", "Postgres", "TestSupport"]),
    .testTarget(
      name: "PipelineTests",
      dependencies: ["Pipeline", "Reports", "Marketplace", "Warehouse", "Postgres", "TestSupport"]),
    .testTarget(
      name: "PricingCLITests",
      dependencies: ["PricingCLI", "Pipeline", "PricingModel", "Postgres", "Warehouse", "TestSupport"]),
  ]
)
