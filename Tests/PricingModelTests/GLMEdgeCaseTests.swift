import Foundation
import Testing

@testable import PricingModel

/// Builds data from columns: numeric predictors by name, categoricals as string levels.
func makeData(
  response: [Double], numeric: [(String, [Double])] = [], categorical: [(String, [String])] = [], offset: [Double]? = nil,
  weights: [Double]? = nil
) throws -> GLMData {
  var design = SparseDesign(rowCount: response.count)
  for (name, values) in numeric { try design.addNumeric(name: name, values: values) }
  for (name, values) in categorical {
    let levels = Array(Set(values)).sorted()
    try design.addCategorical(name: name, levels: levels, codes: values.map { Int32(levels.firstIndex(of: $0)!) })
  }
  return GLMData(design: design, response: response, offset: offset, weights: weights)
}

@Suite("GLM edge cases")
struct GLMEdgeCaseTests {
  @Test("no rows is a clear error")
  func emptyData() throws {
    let error = #expect(throws: PricingModelError.self) { try GLM.fit(try makeData(response: [])) }
    #expect(error?.code == .emptyData)
    #expect(error?.message == "no rows to fit")
  }

  @Test("one row: the intercept fits it exactly and a predictor is dropped as constant")
  func oneRow() throws {
    let result = try GLM.fit(try makeData(response: [3], numeric: [("x", [2])]))
    #expect(result.converged)
    #expect(abs(result.coefficients[0].estimate - log(3)) < 1e-8)
    #expect(result.dropped == [.init(name: "x", reason: "constant (collinear with the intercept)")])
  }

  @Test("an all-zero response stays finite and is reported")
  func allZero() throws {
    let result = try GLM.fit(try makeData(response: [0, 0, 0, 0], numeric: [("x", [1, 2, 3, 4])]))
    #expect(result.coefficients.allSatisfy { $0.estimate.isFinite })
    #expect(result.diverging == ["(Intercept)"])
    #expect(result.warnings.contains("every response is zero: the intercept diverges to -infinity"))
  }

  @Test("a constant column and a duplicate column are dropped and named")
  func constantAndDuplicate() throws {
    let x: [Double] = [0.1, 0.5, 0.9, 1.3, 1.7, 2.2, 2.8, 3.1]
    let y: [Double] = [1, 2, 1, 3, 4, 3, 6, 7]
    let result = try GLM.fit(
      try makeData(response: y, numeric: [("x", x), ("seven", Array(repeating: 7, count: 8)), ("x_again", x)]))
    #expect(result.converged)
    #expect(result.coefficients.map(\.name) == ["(Intercept)", "x"])
    #expect(
      result.dropped == [
        .init(name: "seven", reason: "constant (collinear with the intercept)"),
        .init(name: "x_again", reason: "collinear with earlier columns"),
      ])
    let alone = try GLM.fit(try makeData(response: y, numeric: [("x", x)]))
    #expect(abs(alone.coefficients[1].estimate - result.coefficients[1].estimate) < 1e-10)
  }

  @Test("with a ridge penalty duplicate columns are kept, shrunk equally, and reported")
  func duplicateUnderRidge() throws {
    let x: [Double] = [0.1, 0.5, 0.9, 1.3, 1.7, 2.2, 2.8, 3.1]
    let y: [Double] = [1, 2, 1, 3, 4, 3, 6, 7]
    let result = try GLM.fit(try makeData(response: y, numeric: [("x", x), ("x_again", x)]), options: GLMOptions(l2: 1))
    #expect(result.dropped.isEmpty)
    #expect(abs(result.coefficients[1].estimate - result.coefficients[2].estimate) < 1e-10)
    #expect(result.warnings.contains("collinear column(s) x_again kept identified by the ridge penalty"))
  }

  @Test("a categorical with one level adds no column; a level seen once still fits")
  func sparseLevels() throws {
    let y: [Double] = [2, 3, 1, 4, 2, 5, 3]
    let single = try GLM.fit(try makeData(response: y, categorical: [("only", Array(repeating: "a", count: 7))]))
    #expect(single.coefficients.map(\.name) == ["(Intercept)"])
    let once = try GLM.fit(try makeData(response: y, categorical: [("kind", ["a", "a", "a", "b", "b", "b", "c"])]))
    #expect(once.converged)
    let level = try #require(once.coefficient("kind[c]"))
    #expect(level.estimate.isFinite && level.standardError.isFinite && level.standardError > 0.5)
  }

  @Test("separation: a level whose responses are all zero diverges, is reported, and is finite under ridge")
  func separation() throws {
    let kinds = ["a", "a", "a", "b", "b", "b", "z", "z", "z"]
    let y: [Double] = [2, 3, 1, 4, 2, 5, 0, 0, 0]
    let plain = try GLM.fit(try makeData(response: y, categorical: [("kind", kinds)]))
    #expect(plain.diverging == ["kind[z]"])
    let estimate = try #require(plain.coefficient("kind[z]")).estimate
    #expect(estimate.isFinite && estimate < -10)
    #expect(plain.warnings.contains("separation: the estimates of kind[z] diverge (every response is zero where they apply)"))
    let ridge = try GLM.fit(try makeData(response: y, categorical: [("kind", kinds)]), options: GLMOptions(l2: 1))
    #expect(ridge.converged)
    #expect(ridge.diverging.isEmpty)
    let shrunk = try #require(ridge.coefficient("kind[z]")).estimate
    #expect(shrunk.isFinite && shrunk > -5 && shrunk < 0)
  }

  @Test("NaN or infinity in any input is refused with its row", arguments: [Double.nan, .infinity, -.infinity])
  func nonFinite(value: Double) throws {
    #expect(throws: PricingModelError.self) { try makeData(response: [1, 2], numeric: [("x", [1, value])]) }
    let response = #expect(throws: PricingModelError.self) { try GLM.fit(try makeData(response: [1, value])) }
    #expect(response?.message == "response at row 2 is not finite")
    let offset = #expect(throws: PricingModelError.self) { try GLM.fit(try makeData(response: [1, 2], offset: [0, value])) }
    #expect(offset?.message == "offset at row 2 is not finite")
    let weight = #expect(throws: PricingModelError.self) { try GLM.fit(try makeData(response: [1, 2], weights: [1, value])) }
    #expect(weight?.message == "weight at row 2 must be finite and non-negative")
  }

  @Test("a negative count is outside the Poisson family's domain")
  func negativeCount() throws {
    let error = #expect(throws: PricingModelError.self) { try GLM.fit(try makeData(response: [1, -1])) }
    #expect(error?.message == "response at row 2 is negative, which the poisson family cannot take")
  }

  @Test("huge and tiny offsets shift only the intercept", arguments: [-500.0, -50, 50, 500])
  func extremeOffsets(shift: Double) throws {
    let x: [Double] = [0.1, 0.5, 0.9, 1.3, 1.7, 2.2, 2.8, 3.1]
    let y: [Double] = [1, 2, 1, 3, 4, 3, 6, 7]
    let base = try GLM.fit(try makeData(response: y, numeric: [("x", x)]))
    let shifted = try GLM.fit(try makeData(response: y, numeric: [("x", x)], offset: Array(repeating: shift, count: 8)))
    #expect(shifted.converged)
    #expect(abs(shifted.coefficients[0].estimate - (base.coefficients[0].estimate - shift)) < 1e-6)
    #expect(abs(shifted.coefficients[1].estimate - base.coefficients[1].estimate) < 1e-8)
    #expect(abs(shifted.deviance - base.deviance) < 1e-8)
  }

  @Test("non-convergence within the iteration limit is reported, not thrown")
  func nonConvergence() throws {
    let x: [Double] = [0.1, 0.5, 0.9, 1.3, 1.7, 2.2, 2.8, 3.1]
    let y: [Double] = [1, 2, 1, 3, 4, 3, 6, 70]
    let result = try GLM.fit(try makeData(response: y, numeric: [("x", x)]), options: GLMOptions(maxIterations: 2))
    #expect(!result.converged)
    #expect(result.iterations == 2)
    #expect(result.warnings.last == "IRLS did not converge within 2 iterations")
  }

  @Test("Poisson data without overdispersion drives theta to its bound")
  func thetaBound() throws {
    let y: [Double] = [2, 2, 2, 2, 2, 2, 2, 2]
    let result = try GLM.fit(try makeData(response: y), options: GLMOptions(family: .negativeBinomial(theta: 1)))
    #expect(result.theta == 1e8)
    #expect(result.warnings.first == "theta reached its bound 100000000.0: no overdispersion, the fit is Poisson")
  }
}
