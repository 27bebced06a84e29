import Postgres

/// The one error type of the Marketplace module (the synthetic source data).
public struct MarketplaceError: WrapsPostgresError, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// The source schema already holds rows and `--replace` was not given.
    case sourceNotEmpty
    /// A parameter is out of range (no bookings, a negative seed...).
    case invalidSpec
    /// The database refused a step.
    case database
  }

  public var code: Code
  public var message: String
  public var underlying: PostgresError?

  public init(code: Code, message: String, underlying: PostgresError? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  public var description: String {
    guard let underlying else { return message }
    return "\(message): \(underlying)"
  }
}
