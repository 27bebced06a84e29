import Foundation
import Testing

@testable import PricingModel

@Suite("Cholesky factorisation, solves and inverse")
struct LinearAlgebraTests {
  /// A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]].
  static let matrix = SymmetricMatrix(dimension: 3, storage: [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3])

  @Test("L L' reproduces A, solve inverts it, inverse times A is the identity")
  func factorSolveInverse() throws {
    let factor = try Cholesky.factor(Self.matrix)
    let l = factor.lower
    for i in 0..<3 {
      for j in 0..<3 {
        var sum = 0.0
        for k in 0..<3 { sum += l[i * 3 + k] * l[j * 3 + k] }
        #expect(abs(sum - Self.matrix[i, j]) < 1e-14)
      }
    }
    let x = factor.solve([1, 2, 3])
    let back = Self.matrix.multiply(x)
    for (value, expected) in zip(back, [1.0, 2, 3]) { #expect(abs(value - expected) < 1e-13) }
    let inverse = factor.inverse()
    for i in 0..<3 {
      for j in 0..<3 {
        var sum = 0.0
        for k in 0..<3 { sum += inverse[i, k] * Self.matrix[k, j] }
        #expect(abs(sum - (i == j ? 1 : 0)) < 1e-13)
      }
    }
  }

  @Test("a non-positive pivot fails clearly, naming the column")
  func notPositiveDefinite() {
    let singular = SymmetricMatrix(dimension: 3, storage: [1, 2, 0, 2, 4, 0, 0, 0, 1])
    let error = #expect(throws: PricingModelError.self) {
      try Cholesky.factor(singular, columnNames: ["(Intercept)", "x_copy", "z"])
    }
    #expect(error?.code == .notPositiveDefinite)
    #expect(error?.column == "x_copy")
    #expect(error?.message == "matrix is not positive definite: pivot 0.0 at column x_copy")
  }

  @Test("NaN on the diagonal is not positive definite")
  func nanPivot() {
    let bad = SymmetricMatrix(dimension: 2, storage: [.nan, 0, 0, 1])
    #expect(throws: PricingModelError.self) { try Cholesky.factor(bad) }
  }

  @Test("the rank-revealing variant drops the later of two dependent columns")
  func dropsDependent() {
    // Columns: 1, x, 2x (exactly dependent), z.
    let rows: [[Double]] = [[1, 1, 2, 0], [1, 2, 4, 1], [1, 3, 6, 0], [1, 4, 8, 1], [1, 5, 10, 5]]
    var gram = SymmetricMatrix(dimension: 4)
    for row in rows { for i in 0..<4 { for j in 0..<4 { gram[i, j] += row[i] * row[j] } } }
    let factor = Cholesky.factorDroppingDependent(gram)
    #expect(factor.aliased == [2])
    let solution = factor.solve([1, 1, 1, 1])
    #expect(solution[2] == 0)
    #expect(factor.inverse()[2, 2] == 0)
  }

  @Test("digamma and trigamma at known points")
  func specialFunctions() {
    let eulerGamma = 0.57721566490153286
    #expect(abs(SpecialFunctions.digamma(1) + eulerGamma) < 1e-13)
    #expect(abs(SpecialFunctions.digamma(0.5) - (-eulerGamma - 2 * log(2.0))) < 1e-13)
    #expect(abs(SpecialFunctions.trigamma(1) - Double.pi * Double.pi / 6) < 1e-13)
    #expect(abs(SpecialFunctions.digamma(100) - 4.600161852738087) < 1e-13)
  }
}
