/// The one error type of the PricingModel module: what is wrong with the data or the system, and where.
public struct PricingModelError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Code: String, Sendable {
    /// No rows to fit.
    case emptyData
    /// Arrays of different lengths, a predictor name used twice, and other shape errors.
    case shapeMismatch
    /// NaN or infinity in an input (row and column named).
    case nonFiniteInput
    /// A value outside its family's domain (a negative count, a negative weight).
    case invalidValue
    /// A matrix that should be positive definite is not (column named).
    case notPositiveDefinite
    /// A CSV column the caller named is not in the header.
    case missingColumn
  }

  public var code: Code
  public var message: String
  /// The 0-based data row, when the problem is in one.
  public var row: Int?
  /// The column (predictor or matrix column) concerned.
  public var column: String?

  public init(code: Code, message: String, row: Int? = nil, column: String? = nil) {
    self.code = code
    self.message = message
    self.row = row
    self.column = column
  }

  public var description: String { message }
}
