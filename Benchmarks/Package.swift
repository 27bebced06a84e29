// swift-tools-version: 6.0
// Benchmarks, kept out of the main package so that CI's test build stays small.
// Run through the scripts in Benchmarks/ (they build this in release mode); results: docs/benchmarks.md.
import PackageDescription

let package = Package(
  name: "pricing-benchmarks",
  dependencies: [
    .package(path: "..")
  ],
  targets: [
    .executableTarget(
      name: "pricing-bench",
      dependencies: [
        .product(name: "Postgres", package: "main"),
        .product(name: "CSV", package: "main"),
      ]
    )
  ]
)
