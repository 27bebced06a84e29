// swift-tools-version: 6.0
// Benchmarks, kept out of the main package so that CI's test build stays small.
// Run through the scripts in Benchmarks/ (they build this in release mode); results: docs/benchmarks.md.
import Foundation
import PackageDescription

/// The main package's identity: SwiftPM names a path dependency after its folder, which is the clone's
/// folder name (not always "main").
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .lastPathComponent.lowercased()

let package = Package(
  name: "pricing-benchmarks",
  dependencies: [
    .package(path: "..")
  ],
  targets: [
    .executableTarget(
      name: "pricing-bench",
      dependencies: [
        .product(name: "Postgres", package: mainPackage),
        .product(name: "CSV", package: mainPackage),
      ]
    )
  ]
)
