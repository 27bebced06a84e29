/// What a GLM is fitted to: a sparse design, the response, and optional offset and prior weights.
public struct GLMData: Sendable {
  public var design: SparseDesign
  public var response: [Double]
  /// Added to the linear predictor as given (pass log exposure for rates).
  public var offset: [Double]?
  /// Prior weights (R's `weights`, statsmodels' `var_weights`); zero drops a row.
  public var weights: [Double]?

  public init(design: SparseDesign, response: [Double], offset: [Double]? = nil, weights: [Double]? = nil) {
    self.design = design
    self.response = response
    self.offset = offset
    self.weights = weights
  }

  /// The largest offset magnitude under a log link (exp(709.8) is the largest double).
  static let largestLogOffset = 700.0

  /// Checks shapes, finiteness and the family's domain; errors name the row (1-based) and the column.
  func validate(for family: GLMFamily) throws {
    let n = design.rowCount
    guard n > 0 else { throw PricingModelError(code: .emptyData, message: "no rows to fit") }
    guard response.count == n else {
      throw PricingModelError(code: .shapeMismatch, message: "response has \(response.count) values for \(n) rows")
    }
    for (index, y) in response.enumerated() where !family.accepts(y) {
      let problem = y.isFinite ? "is negative, which the \(family.name) family cannot take" : "is not finite"
      throw PricingModelError(
        code: y.isFinite ? .invalidValue : .nonFiniteInput, message: "response at row \(index + 1) \(problem)",
        row: index, column: "response")
    }
    if let offset {
      guard offset.count == n else {
        throw PricingModelError(code: .shapeMismatch, message: "offset has \(offset.count) values for \(n) rows")
      }
      if let row = offset.firstIndex(where: { !$0.isFinite }) {
        throw PricingModelError(
          code: .nonFiniteInput, message: "offset at row \(row + 1) is not finite", row: row, column: "offset")
      }
      // Under a log link the mean is exp(offset + ...): beyond +-700 it overflows or vanishes in double
      // precision, and the fit would "converge" on infinities. An offset is a log (of exposure).
      if family.usesLogLink, let row = offset.firstIndex(where: { abs($0) > Self.largestLogOffset }) {
        throw PricingModelError(
          code: .invalidValue,
          message:
            "offset at row \(row + 1) is \(offset[row]): beyond +-\(Int(Self.largestLogOffset)) the mean exp(offset) is out of range (an offset is a log, e.g. of exposure)",
          row: row, column: "offset")
      }
    }
    if let weights {
      guard weights.count == n else {
        throw PricingModelError(code: .shapeMismatch, message: "weights have \(weights.count) values for \(n) rows")
      }
      if let row = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
        throw PricingModelError(
          code: weights[row].isFinite ? .invalidValue : .nonFiniteInput,
          message: "weight at row \(row + 1) must be finite and non-negative", row: row, column: "weights")
      }
      guard weights.contains(where: { $0 > 0 }) else {
        throw PricingModelError(code: .emptyData, message: "every weight is zero: no rows to fit")
      }
    }
  }
}
