import Logging
import Postgres

/// A database role the pipeline creates with its grants (`pricing migrate --reader-role`, `--admin-role`):
/// the statements, and how to apply them.
public protocol GrantedRole {
  var role: SQLIdentifier { get }
  /// The statements, for a DBA to run when `pricing migrate` may not create roles.
  var sql: String { get }
}

extension GrantedRole {
  /// Creates the role and its grants; returns false (and logs the SQL) when not permitted.
  @discardableResult
  public func apply(_ connection: Connection, logger: Logger) throws -> Bool {
    do {
      try connection.transaction { try $0.execute(sql) }
      return true
    } catch let error as PostgresError where error.sqlState == "42501" {
      logger.warning("not permitted to create role \(role): ask a DBA to run:\n\(sql)")
      return false
    }
  }
}
