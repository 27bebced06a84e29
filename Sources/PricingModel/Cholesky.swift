import Foundation

/// The Cholesky factorisation A = L L' of a symmetric positive (semi-)definite matrix, with solves and
/// the inverse.
///
/// Algorithm: the column-oriented ("Cholesky-Crout") form of Golub & Van Loan, *Matrix Computations*,
/// 4th ed., Algorithm 4.2.1: for j = 1..p, d_j = a_jj - sum_{k<j} l_jk^2, l_jj = sqrt(d_j),
/// l_ij = (a_ij - sum_{k<j} l_ik l_jk) / l_jj for i > j.
///
/// Two ways to meet a pivot d_j that is not safely positive:
/// - `factor(_:columnNames:)` throws `.notPositiveDefinite`, naming column j;
/// - `factorDroppingDependent(_:tolerance:)` treats column j as linearly dependent on the columns before
///   it when d_j <= tolerance * a_jj (a_jj is the column's squared length in the X'WX metric, so the ratio
///   is the squared sine of the angle between the column and the span of the earlier ones). Such a column
///   is *aliased*: left out of the factor, its solution component is 0 and its row and column of the
///   inverse are 0. This is the "drop the later of two collinear columns" rule of R's `lm`/`glm`.
public struct Cholesky: Sendable {
  public let dimension: Int
  /// L, row-major, lower triangle (zero rows and columns for aliased indices).
  public private(set) var lower: [Double]
  /// Indices left out as linearly dependent on earlier ones.
  public private(set) var aliased: [Int]

  /// The default relative pivot tolerance for dependence (squared sine ~1e-9: angle ~3e-5 radians).
  public static let defaultTolerance = 1e-9

  private init(dimension: Int, lower: [Double], aliased: [Int]) {
    self.dimension = dimension
    self.lower = lower
    self.aliased = aliased
  }

  /// Strict factorisation: throws on a non-positive or non-finite pivot, naming the column.
  public static func factor(_ matrix: SymmetricMatrix, columnNames: [String]? = nil) throws -> Cholesky {
    try run(matrix, tolerance: nil, columnNames: columnNames)
  }

  /// Rank-revealing factorisation: dependent columns are aliased instead of failing.
  public static func factorDroppingDependent(_ matrix: SymmetricMatrix, tolerance: Double = defaultTolerance)
    -> Cholesky
  {
    // Cannot throw with a tolerance: every bad pivot is aliased.
    (try? run(matrix, tolerance: tolerance, columnNames: nil))!
  }

  private static func run(_ matrix: SymmetricMatrix, tolerance: Double?, columnNames: [String]?) throws -> Cholesky {
    let p = matrix.dimension
    var l = [Double](repeating: 0, count: p * p)
    var aliased: [Int] = []
    var isAliased = [Bool](repeating: false, count: p)
    for j in 0..<p {
      let diagonal = matrix[j, j]
      var pivot = diagonal
      for k in 0..<j where !isAliased[k] { pivot -= l[j * p + k] * l[j * p + k] }
      if let tolerance {
        if !(pivot > tolerance * diagonal) || !(diagonal > 0) || !pivot.isFinite {
          isAliased[j] = true
          aliased.append(j)
          continue
        }
      } else if !(pivot > 0) || !pivot.isFinite {
        let name = columnNames.map { $0[j] } ?? "\(j)"
        throw PricingModelError(
          code: .notPositiveDefinite,
          message: "matrix is not positive definite: pivot \(pivot) at column \(name)", column: name)
      }
      let root = pivot.squareRoot()
      l[j * p + j] = root
      for i in (j + 1)..<max(j + 1, p) {
        var sum = matrix[i, j]
        for k in 0..<j where !isAliased[k] { sum -= l[i * p + k] * l[j * p + k] }
        l[i * p + j] = sum / root
      }
    }
    return Cholesky(dimension: p, lower: l, aliased: aliased)
  }

  /// Solves A x = b (aliased components of x are 0).
  public func solve(_ rhs: [Double]) -> [Double] {
    let p = dimension
    let skip = Set(aliased)
    var y = rhs
    for i in 0..<p {
      if skip.contains(i) {
        y[i] = 0
        continue
      }
      var sum = y[i]
      for k in 0..<i where !skip.contains(k) { sum -= lower[i * p + k] * y[k] }
      y[i] = sum / lower[i * p + i]
    }
    for i in stride(from: p - 1, through: 0, by: -1) {
      if skip.contains(i) { continue }
      var sum = y[i]
      for k in (i + 1)..<max(i + 1, p) where !skip.contains(k) { sum -= lower[k * p + i] * y[k] }
      y[i] = sum / lower[i * p + i]
    }
    return y
  }

  /// A^-1 restricted to the non-aliased indices (zeros elsewhere): L^-T L^-1.
  public func inverse() -> SymmetricMatrix {
    let p = dimension
    let skip = Set(aliased)
    // Columns of L^-1 by forward substitution on unit vectors.
    var inverseLower = [Double](repeating: 0, count: p * p)
    for column in 0..<p where !skip.contains(column) {
      for i in column..<p where !skip.contains(i) {
        var sum = i == column ? 1.0 : 0.0
        for k in column..<i where !skip.contains(k) { sum -= lower[i * p + k] * inverseLower[k * p + column] }
        inverseLower[i * p + column] = sum / lower[i * p + i]
      }
    }
    var result = SymmetricMatrix(dimension: p)
    for row in 0..<p where !skip.contains(row) {
      for column in row..<p where !skip.contains(column) {
        var sum = 0.0
        for k in column..<p { sum += inverseLower[k * p + row] * inverseLower[k * p + column] }
        result[row, column] = sum
        result[column, row] = sum
      }
    }
    return result
  }
}
