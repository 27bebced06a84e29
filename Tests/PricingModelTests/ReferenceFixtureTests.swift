import Foundation
import PricingModel
import Testing

/// A reference fit produced offline by Fixtures/generate.py (statsmodels, glum).
struct ReferenceFixture: Decodable {
  struct Spec: Decodable {
    let response: String
    let offset: String?
    let weights: String?
    let categorical: [String]
    let family: String
    let l2: Double
  }
  struct Coefficient: Decodable {
    let name: String
    let estimate: Double
    let std_error: Double
  }
  let spec: Spec
  let deviance: Double
  let null_deviance: Double
  let coefficients: [Coefficient]
  let theta: Double?
  let dispersion: Double?

  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func load(_ name: String) throws -> (fixture: ReferenceFixture, csvPath: String) {
    let json = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
    return (
      try JSONDecoder().decode(ReferenceFixture.self, from: json), folder.appendingPathComponent("\(name).csv").path
    )
  }
}

/// |a - b| within `relative` of |b|, or within `absolute` when b is near zero.
func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 1e-8) -> Bool {
  abs(a - b) <= max(relative * abs(b), absolute)
}

@Suite("GLM against statsmodels and glum reference fits")
struct ReferenceFixtureTests {
  @Test(
    "coefficients, standard errors and deviances match the reference",
    arguments: [
      "poisson_offset", "poisson_weights", "negative_binomial", "gaussian", "ridge_poisson",
    ])
  func matchesReference(name: String) throws {
    let (fixture, path) = try ReferenceFixture.load(name)
    let data = try RegressionTable.load(
      path: path,
      specification: .init(
        response: fixture.spec.response, offset: fixture.spec.offset, weights: fixture.spec.weights,
        categorical: fixture.spec.categorical))
    let family: GLMFamily =
      switch fixture.spec.family {
      case "negative-binomial": .negativeBinomial(theta: 1)
      case "gaussian": .gaussian
      default: .poisson
      }
    let result = try GLM.fit(data, options: GLMOptions(family: family, l2: fixture.spec.l2, tolerance: 1e-14))
    #expect(result.converged)
    #expect(result.coefficients.map(\.name) == fixture.coefficients.map(\.name))
    for (mine, reference) in zip(result.coefficients, fixture.coefficients) {
      #expect(
        close(mine.estimate, reference.estimate, relative: 1e-6),
        "\(mine.name) estimate \(mine.estimate) vs \(reference.estimate)")
      #expect(
        close(mine.standardError, reference.std_error, relative: 1e-6),
        "\(mine.name) std error \(mine.standardError) vs \(reference.std_error)")
    }
    #expect(
      close(result.deviance, fixture.deviance, relative: 1e-8), "deviance \(result.deviance) vs \(fixture.deviance)")
    #expect(
      close(result.nullDeviance, fixture.null_deviance, relative: 1e-8),
      "null deviance \(result.nullDeviance) vs \(fixture.null_deviance)")
    if let theta = fixture.theta {
      #expect(close(result.theta ?? 0, theta, relative: 1e-6), "theta \(result.theta ?? 0) vs \(theta)")
    }
    if let dispersion = fixture.dispersion { #expect(close(result.dispersion, dispersion, relative: 1e-8)) }
  }

  @Test(
    "the fit is the same with one thread or several, blocks taken in any order (fixed block sums)",
    arguments: [(64, 2), (64, 3), (64, 7), (1_000_000, 4)])
  func threadIndependence(blockSize: Int, threads: Int) throws {
    let (fixture, path) = try ReferenceFixture.load("poisson_offset")
    let data = try RegressionTable.load(
      path: path,
      specification: .init(
        response: fixture.spec.response, offset: fixture.spec.offset, categorical: fixture.spec.categorical))
    let serial = try GLM.fit(data, options: GLMOptions(blockSize: blockSize, threads: 1))
    let parallel = try GLM.fit(data, options: GLMOptions(blockSize: blockSize, threads: threads))
    #expect(serial.coefficients == parallel.coefficients)
    #expect(serial.deviance == parallel.deviance)
  }
}
