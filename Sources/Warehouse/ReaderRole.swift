import Postgres

/// The booking service's read-only role: it may read the published view and the experience bands, and call
/// the lookup function `multiplier(...)`, and nothing else (the view and the function read their tables
/// with their owner's rights).
public struct ReaderRole: GrantedRole {
  public let schema: WarehouseSchema
  public let role: SQLIdentifier

  public init(schema: WarehouseSchema, role: SQLIdentifier) {
    self.schema = schema
    self.role = role
  }

  /// The statements, for a DBA to run when `pricing migrate` may not create roles.
  public var sql: String {
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(role.name)') THEN CREATE ROLE \(role.quoted) LOGIN; END IF;
    END $$;
    GRANT USAGE ON SCHEMA \(schema.name.quoted) TO \(role.quoted);
    GRANT SELECT ON \(schema.table("current_multipliers").quoted), \(schema.table("experience_bands").quoted) TO \(role.quoted);
    GRANT EXECUTE ON FUNCTION \(schema.table("multiplier").quoted)(text, text, numeric, date) TO \(role.quoted);
    """
  }
}
