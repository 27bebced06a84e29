import Postgres

/// The one error type of the Fitting module (`pricing fit`, `model show`, `explain`).
public struct FitError: Error, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// Nothing to fit: no ingested data before the as-of date.
    case noData
    /// A run, cell or multiplier asked for does not exist.
    case notFound
    /// The policy file or a setting is invalid.
    case configuration
    /// A request the data refuses: an override of an unknown category, a range wholly past, a min above a
    /// max, a revocation of an unknown or revoked override.
    case invalidRequest
    /// An output file (`--cells-out`) cannot be written.
    case cannotWrite
  }

  public var code: Code
  public var message: String

  public init(code: Code, message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
