import Postgres

/// The one error type of the Warehouse module (the pipeline's own schema and its migrations).
public struct WarehouseError: WrapsPostgresError, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// A configured name (schema) is not a valid identifier.
    case invalidConfiguration
    /// A migration failed; it was rolled back and later ones were not tried.
    case migrationFailed
    /// The schema is missing, or older than this program's newest migration: run `pricing migrate`.
    case notMigrated
    /// The database holds a migration this program does not know (a newer version of the pipeline ran).
    case schemaTooNew
  }

  public var code: Code
  public var message: String
  /// The underlying database error, if any.
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
