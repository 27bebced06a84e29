/// A design matrix that is never materialised as a dense one-hot matrix.
///
/// Column 0 is the intercept. A numeric predictor is one dense column; a categorical predictor is one
/// integer code per row, where code 0 is the reference level (no column) and code c > 0 is the indicator
/// column `firstColumn + c - 1`. So each row has at most 1 + numerics + categoricals non-zeros, and
/// `NormalEquations` accumulates X'WX from those alone.
public struct SparseDesign: Sendable {
  /// A numeric predictor: its design column and values (column-major).
  public struct NumericColumn: Sendable {
    public let column: Int
    public let name: String
    public let values: [Double]
  }

  /// A categorical predictor: levels (the first is the reference) and one code per row.
  public struct CategoricalColumn: Sendable {
    public let name: String
    public let levels: [String]
    public let codes: [Int32]
    /// The design column of level 1 (level c sits at firstColumn + c - 1).
    public let firstColumn: Int
  }

  public let rowCount: Int
  public private(set) var columnNames: [String] = ["(Intercept)"]
  public private(set) var numerics: [NumericColumn] = []
  public private(set) var categoricals: [CategoricalColumn] = []

  public init(rowCount: Int) {
    self.rowCount = rowCount
  }

  public var columnCount: Int { columnNames.count }

  /// Adds a numeric predictor; NaN or infinity is refused with its row.
  public mutating func addNumeric(name: String, values: [Double]) throws {
    guard values.count == rowCount else {
      throw PricingModelError(
        code: .shapeMismatch, message: "predictor \(name) has \(values.count) values for \(rowCount) rows", column: name)
    }
    if let row = values.firstIndex(where: { !$0.isFinite }) {
      throw PricingModelError(
        code: .nonFiniteInput, message: "predictor \(name) is not finite at row \(row + 1)", row: row, column: name)
    }
    numerics.append(NumericColumn(column: columnNames.count, name: name, values: values))
    columnNames.append(name)
  }

  /// Adds a categorical predictor dummy-coded against `levels[0]`; columns are named `name[level]`.
  public mutating func addCategorical(name: String, levels: [String], codes: [Int32]) throws {
    guard codes.count == rowCount else {
      throw PricingModelError(
        code: .shapeMismatch, message: "predictor \(name) has \(codes.count) codes for \(rowCount) rows", column: name)
    }
    guard !levels.isEmpty else {
      throw PricingModelError(code: .shapeMismatch, message: "predictor \(name) has no levels", column: name)
    }
    if let row = codes.firstIndex(where: { $0 < 0 || Int($0) >= levels.count }) {
      throw PricingModelError(
        code: .shapeMismatch, message: "predictor \(name) has an unknown level code at row \(row + 1)", row: row,
        column: name)
    }
    categoricals.append(CategoricalColumn(name: name, levels: levels, codes: codes, firstColumn: columnNames.count))
    for level in levels.dropFirst() { columnNames.append("\(name)[\(level)]") }
  }

  /// Non-zeros per row (the intercept, each numeric, at most one indicator per categorical).
  public var nonZerosPerRow: Int { 1 + numerics.count + categoricals.count }
}
