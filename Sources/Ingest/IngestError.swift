import Postgres

/// The one error type of the Ingest module.
public struct IngestError: WrapsPostgresError, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// Another ingest (or nightly run) holds the warehouse lock.
    case locked
    /// The source lacks a table or column of the contract.
    case sourceContract
    /// The source role may not read a table or column of the contract (a missing grant).
    case sourcePermission
    /// A database step failed; `underlying` says how.
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
