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

  /// A categorical predictor: levels (the first is the reference) and one code per row. With `values`,
  /// it is a *varying slope*: row i contributes `values[i]` (instead of 1) to the column of its level,
  /// e.g. a numeric predictor whose coefficient differs by category, still one non-zero per row.
  public struct CategoricalColumn: Sendable {
    public let name: String
    public let levels: [String]
    public let codes: [Int32]
    public let values: [Double]?
    /// The design column of level 1 (level c sits at firstColumn + c - 1).
    public let firstColumn: Int
  }

  public let rowCount: Int
  public private(set) var columnNames: [String] = ["(Intercept)"]
  /// Per column, the factor applied to the ridge penalty lambda: 0 leaves a column unpenalised (always the
  /// intercept), 1 is the plain ridge, larger values shrink harder.
  public private(set) var penaltyFactors: [Double] = [0]
  public private(set) var numerics: [NumericColumn] = []
  public private(set) var categoricals: [CategoricalColumn] = []

  public init(rowCount: Int) {
    self.rowCount = rowCount
  }

  public var columnCount: Int { columnNames.count }

  /// Adds a numeric predictor; NaN or infinity is refused with its row.
  public mutating func addNumeric(name: String, values: [Double], penaltyFactor: Double = 1) throws {
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
    penaltyFactors.append(penaltyFactor)
  }

  /// Adds a categorical predictor dummy-coded against `levels[0]`; columns are named `name[level]`.
  public mutating func addCategorical(name: String, levels: [String], codes: [Int32], penaltyFactor: Double = 1) throws {
    try append(CategoricalColumn(name: name, levels: levels, codes: codes, values: nil, firstColumn: columnNames.count),
               penaltyFactor: penaltyFactor)
  }

  /// Adds a numeric predictor whose coefficient differs by level: column `name[level]` holds `values[i]`
  /// for the rows of that level and 0 elsewhere. Code 0 means "no column" (its rows contribute nothing),
  /// so pass a placeholder first level when every real level needs its own slope.
  public mutating func addVaryingSlope(
    name: String, levels: [String], codes: [Int32], values: [Double], penaltyFactor: Double = 1
  ) throws {
    guard values.count == rowCount else {
      throw PricingModelError(
        code: .shapeMismatch, message: "predictor \(name) has \(values.count) values for \(rowCount) rows", column: name)
    }
    if let row = values.firstIndex(where: { !$0.isFinite }) {
      throw PricingModelError(
        code: .nonFiniteInput, message: "predictor \(name) is not finite at row \(row + 1)", row: row, column: name)
    }
    try append(
      CategoricalColumn(name: name, levels: levels, codes: codes, values: values, firstColumn: columnNames.count),
      penaltyFactor: penaltyFactor)
  }

  /// Checks a coded predictor's shape and adds its columns, `name[level]` for every level but the first.
  private mutating func append(_ column: CategoricalColumn, penaltyFactor: Double) throws {
    let name = column.name
    guard column.codes.count == rowCount else {
      throw PricingModelError(
        code: .shapeMismatch, message: "predictor \(name) has \(column.codes.count) codes for \(rowCount) rows",
        column: name)
    }
    guard !column.levels.isEmpty else {
      throw PricingModelError(code: .shapeMismatch, message: "predictor \(name) has no levels", column: name)
    }
    if let row = column.codes.firstIndex(where: { $0 < 0 || Int($0) >= column.levels.count }) {
      throw PricingModelError(
        code: .shapeMismatch, message: "predictor \(name) has an unknown level code at row \(row + 1)", row: row,
        column: name)
    }
    categoricals.append(column)
    for level in column.levels.dropFirst() {
      columnNames.append("\(name)[\(level)]")
      penaltyFactors.append(penaltyFactor)
    }
  }

  /// Non-zeros per row (the intercept, each numeric, at most one indicator per categorical).
  public var nonZerosPerRow: Int { 1 + numerics.count + categoricals.count }
}
